//! What the library has to say while it works, for the caller to show or not:
//! the library itself never prints. A command-line tool renders these on
//! stderr (`--debug`); a service can send them to its log.

use std::time::Duration;

use crate::Error;

/// Something that happened during a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// One line of the request trace (`> GET …`, `> header: value`, `< 200 (3 ms)`).
    /// Credentials and secret values are already masked. Only sent when
    /// [`EventSink::tracing`] is true.
    Trace(&'a str),
    /// A request failed in a way worth another try; it is sent again after `wait`.
    Retrying {
        /// The attempt that failed (1 for the first).
        attempt: u32,
        /// How long until the next attempt.
        wait: Duration,
        /// How long retrying may go on in all.
        budget: Duration,
        /// Why the attempt failed.
        error: &'a Error,
    },
    /// A condition worth a warning that does not stop the work (TLS
    /// verification disabled, CA certificates that could not be read).
    Warning(&'a str),
}

/// Receives [`Event`]s. Implementations must be cheap: they are called on the
/// request path.
///
/// A sink that writes warnings and retries to stderr, and the trace only when
/// asked for:
///
/// ```
/// use dbsecrets_client::{Event, EventSink};
///
/// struct Stderr { debug: bool }
///
/// impl EventSink for Stderr {
///     fn tracing(&self) -> bool { self.debug }
///     fn event(&self, event: Event<'_>) {
///         match event {
///             Event::Trace(line) => eprintln!("{line}"),
///             Event::Warning(w) => eprintln!("warning: {w}"),
///             Event::Retrying { attempt, wait, error, .. } => {
///                 eprintln!("attempt {attempt} failed ({error}); retrying in {wait:?}")
///             }
///             _ => {}
///         }
///     }
/// }
/// ```
pub trait EventSink: Send + Sync {
    /// Whether [`Event::Trace`] lines are wanted (they cost some formatting).
    fn tracing(&self) -> bool {
        false
    }

    /// Handles one event. Called synchronously, from whichever task made the
    /// request; the event borrows from the request, so copy what you keep.
    fn event(&self, event: Event<'_>);
}

/// Drops every event: the sink of [`Client::from_config`](crate::Client::from_config).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn event(&self, _: Event<'_>) {}
}
