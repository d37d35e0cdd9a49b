//! Serving a router on a listener until shutdown is asked for.
//!
//! Shutdown (SIGTERM, Ctrl-C, or the token in tests) stops accepting connections and lets requests
//! in flight finish — a running sync completes the page it is writing, whose commit is atomic.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Serves `router` on `listener` until `shutdown` is cancelled, then drains requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { shutdown.cancelled().await })
    .await
}
