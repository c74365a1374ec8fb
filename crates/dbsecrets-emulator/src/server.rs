//! Running the emulator: on a caller's listener ([`serve`]), on a background
//! thread for tests ([`BackgroundEmulator`]), or in the foreground for the
//! `dbsecrets emulator` subcommand ([`run_cli`]).

use std::future::Future;
use std::io::Write as _;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;

use super::conn::{Connection, KillableListener};
use super::{Emulator, EmulatorOptions};

/// How long a stopping background server waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Serves on an already-bound listener until `shutdown` resolves; requests in
/// flight are allowed to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    emulator: Emulator,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Connections a `Fault::Drop` can cut; see `conn`.
    let app = emulator
        .router()
        .into_make_service_with_connect_info::<Connection>();
    axum::serve(KillableListener(listener), app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// An emulator on 127.0.0.1 and a free port, served from its own thread, for
/// tests. The port is bound before [`BackgroundEmulator::start`] returns, so
/// requests can be sent at once; dropping it stops the server.
pub struct BackgroundEmulator {
    emulator: Emulator,
    url: String,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundEmulator {
    /// Starts an emulator. A bad setup (see [`Emulator::try_new`]), such as
    /// a corrupt state file, is an `InvalidInput` error carrying the reason.
    pub fn start(opts: EmulatorOptions) -> std::io::Result<Self> {
        let emulator = Emulator::try_new(opts)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{e:#}")))?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}", listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = watch::channel(false);
        let served = emulator.clone();
        let thread = std::thread::Builder::new()
            .name("secrets-emulator".to_string())
            .spawn(move || runtime.block_on(serve_until_stopped(listener, served, stopped)))?;
        Ok(Self {
            emulator,
            url,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The background thread's body. A client that keeps a connection open must
/// not hang a test's drop, so the graceful shutdown gets a deadline.
async fn serve_until_stopped(
    listener: std::net::TcpListener,
    emulator: Emulator,
    stopped: watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let mut deadline = stopped.clone();
    let server = serve(listener, emulator, wait_for_stop(stopped));
    tokio::select! {
        _ = server => {}
        _ = async {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {}
    }
}

/// Resolves once stop is signalled, or the sender is gone.
async fn wait_for_stop(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// The `dbsecrets emulator` subcommand's body: binds 127.0.0.1:`port` (0 picks
/// a free port), prints exactly one line with the URL to stdout (scripts wait
/// for it), a setup hint to stderr, and serves until Ctrl-C or SIGTERM.
pub fn run_cli(port: u16, opts: EmulatorOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    // Before binding: a corrupt state file must stop us before the URL line.
    let emulator = Emulator::try_new(opts)?;
    let open = emulator.inner.directory.is_open();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("could not listen on 127.0.0.1:{port}"))?;
        let url = format!("http://{}", listener.local_addr()?);
        announce(&url, open)?;
        serve(listener, emulator, shutdown_signal())
            .await
            .context("the emulator stopped with an error")
    })
}

fn announce(url: &str, open: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{url}")
        .and_then(|()| stdout.flush())
        .context("could not write the emulator's URL to stdout")?;
    eprintln!(
        "Secrets API emulator listening on {url} (Ctrl-C to stop). Point dbsecrets at it with:"
    );
    if open {
        eprintln!("  export DATABRICKS_HOST={url} DATABRICKS_TOKEN=<any value>");
    } else {
        eprintln!("  export DATABRICKS_HOST={url} DATABRICKS_TOKEN=<one of the configured tokens>");
    }
    Ok(())
}

/// Resolves on Ctrl-C, or SIGTERM on Unix (how service managers stop us).
async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a handler we would stop at once; wait for SIGTERM instead.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
