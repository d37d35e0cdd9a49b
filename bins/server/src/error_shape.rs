//! Answers that no handler wrote — the router's 404 for an unknown path and 405 for a method a
//! path does not take, the body limit's 413, axum's 400 for a query or path it cannot read —
//! come with empty or `text/plain` bodies. This
//! layer gives them the API's JSON error shape (`{"error": {"code", "message"}}`) with a message
//! that says what to do, keeping their headers. A 405 carries `Allow` (RFC 9110 §15.5.6) with
//! the methods the OpenAPI document gives the path: axum drops the header once a route has
//! layers, and the document is what the router was built from. Pages' own HTML answers pass
//! unchanged.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::error::ApiError;
pub use crate::error::BodyLimit;

/// What the layer needs: the body limit and each documented path's methods.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The body limit.
    pub limit: BodyLimit,
    /// The documented paths as segments (`{…}` matches any one segment) and their `Allow` value.
    allowed: Arc<Vec<(Vec<String>, String)>>,
}

impl Shape {
    /// The limit, and the methods of every path of `document`.
    pub fn new(limit: BodyLimit, document: &utoipa::openapi::OpenApi) -> Self {
        let allowed = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<&str> = [
                    ("GET", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("OPTIONS", &item.options),
                    ("HEAD", &item.head),
                    ("PATCH", &item.patch),
                    ("TRACE", &item.trace),
                ]
                .into_iter()
                .filter_map(|(name, op)| op.as_ref().map(|_| name))
                .collect();
                // The router answers HEAD wherever it answers GET (RFC 9110 §9.3.2).
                if methods.contains(&"GET") && !methods.contains(&"HEAD") {
                    methods.push("HEAD");
                }
                methods.sort_unstable();
                (
                    path.split('/').map(str::to_owned).collect(),
                    methods.join(","),
                )
            })
            .collect();
        Self {
            limit,
            allowed: Arc::new(allowed),
        }
    }

    /// The `Allow` value of the documented path `path` is an instance of; literal segments win
    /// over parameters when two paths fit.
    fn allow_for(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.allowed
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| {
                        t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                    })
            })
            .max_by_key(|(template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(_, allow)| allow.as_str())
    }
}

/// Middleware: puts [`BodyLimit`] into the request and rewrites bodiless error answers.
pub async fn json_errors(State(shape): State<Shape>, mut req: Request, next: Next) -> Response {
    let limit = shape.limit;
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    req.extensions_mut().insert(limit);
    let response = next.run(req).await;
    let status = response.status();
    if !matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::NOT_FOUND
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNPROCESSABLE_ENTITY
    ) || !is_plain(&response)
    {
        return response;
    }
    let mut allow_header = None;
    if matches!(
        status,
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
    ) {
        // axum's extractors explain a refused query or path in plain text: keep the words.
        let (_, body) = response.into_parts();
        let text = axum::body::to_bytes(body, 16 * 1024)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let message = if text.trim().is_empty() {
            format!("{method} {path}: the request is malformed")
        } else {
            text.trim().to_owned()
        };
        return ApiError::BadRequest(message).into_response();
    }
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound(not_found(&method, &path)),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = response
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .or_else(|| shape.allow_for(&path))
                .unwrap_or("")
                .to_owned();
            allow_header = HeaderValue::from_str(&allow)
                .ok()
                .filter(|_| !allow.is_empty());
            ApiError::MethodNotAllowed(format!(
                "{method} is not allowed on {path}: use {}",
                if allow.is_empty() {
                    "another method"
                } else {
                    &allow
                }
            ))
        }
        _ => ApiError::PayloadTooLarge(Some(limit.0)),
    };
    let (mut parts, _) = response.into_parts();
    let shaped = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in shaped.headers() {
        parts.headers.insert(name.clone(), value.clone());
    }
    if let Some(allow) = allow_header {
        parts.headers.insert(header::ALLOW, allow);
    }
    Response::from_parts(parts, shaped.into_body())
}

/// An empty body or plain text: what the router and the limit write, never a page or our JSON.
fn is_plain(response: &Response) -> bool {
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(ct) => ct.as_bytes().starts_with(b"text/plain"),
    }
}

fn not_found(method: &Method, path: &str) -> String {
    if path == "/api" || path.starts_with("/api/") {
        format!(
            "{method} {path}: no such endpoint; the API's endpoints are listed in /api/openapi.json"
        )
    } else {
        format!("{method} {path}: no such endpoint or page; the banking page is /banking")
    }
}
