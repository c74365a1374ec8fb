//! [`Cancel`]: a way for the caller to stop a [`Client`](crate::Client)'s
//! requests from being sent, without cutting the ones on the wire.
//!
//! Once cancelled, a request that has not been sent yet (waiting for the rate
//! limiter) and a request waiting to be retried (a `Retry-After`, a backoff)
//! end at once with [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled);
//! an attempt already on the wire is let finish, so that its outcome is known.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// A cancellation token: cheap to clone, the clones share the state. Give one
/// to [`Client::with_cancel`](crate::Client::with_cancel); call
/// [`Cancel::cancel`] (e.g. on Ctrl-C) to stop sending.
#[derive(Clone, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Default)]
struct Inner {
    set: AtomicBool,
    notify: Notify,
}

impl Cancel {
    /// A token that has not fired.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Fires the token: no request of the clients holding it is sent from now on.
    pub fn cancel(&self) {
        self.0.set.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.set.load(Ordering::SeqCst)
    }

    /// Resolves once the token fires (at once if it has).
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so that a cancel in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Runs `work` unless the token fires first: `None` when it did.
    pub async fn unless_cancelled<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        if self.is_cancelled() {
            return None;
        }
        tokio::select! {
            biased;
            () = self.cancelled() => None,
            out = work => Some(out),
        }
    }
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Cancel").field(&self.is_cancelled()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancel_stops_the_wait_and_everything_after() {
        let cancel = Cancel::new();
        assert_eq!(cancel.unless_cancelled(async { 1 }).await, Some(1));
        let waiting = {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                cancel
                    .unless_cancelled(tokio::time::sleep(std::time::Duration::from_secs(600)))
                    .await
            })
        };
        tokio::task::yield_now().await;
        cancel.cancel();
        assert_eq!(waiting.await.unwrap(), None);
        assert_eq!(cancel.unless_cancelled(async { 1 }).await, None);
        cancel.cancelled().await;
    }
}
