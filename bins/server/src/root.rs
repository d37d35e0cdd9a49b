//! `GET /`: people who open the server's address land on the banking page instead of an empty
//! 404.

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

/// The root, redirecting (303) to `/banking`, which itself asks to sign in when needed.
pub fn router() -> Router {
    Router::new().route("/", get(|| async { Redirect::to("/banking") }))
}
