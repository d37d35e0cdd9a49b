//! One error type for every handler, mapped to `{"error": {"code", "message"}}` once, here.
//!
//! Bad input is always a 4xx that says what to fix; a 500 never carries internal detail (it is
//! logged instead), and nothing from ING's answers that could hold a secret is passed through.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a handler can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or violates a rule; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// No or a wrong API token.
    #[error("missing or invalid API token: send `Authorization: Bearer <token>`")]
    Unauthorized,
    /// The caller's role does not allow this; the message names the role needed.
    #[error("{0}")]
    Forbidden(String),
    /// The `access_token` in the body (our connection token) is unknown.
    #[error("unknown access_token: it must be the access_token consent/callback returned")]
    UnknownConnection,
    /// The named resource does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (e.g. a match already confirmed).
    #[error("{0}")]
    Conflict(String),
    /// The bank's limit is reached; `retry_after` seconds until the next attempt may succeed.
    #[error("{message}")]
    TooManyRequests {
        /// Plain explanation.
        message: String,
        /// Seconds to wait, when known.
        retry_after: Option<u64>,
    },
    /// The bank answered with an error or could not be reached.
    #[error("{0}")]
    BadGateway(String),
    /// The consent behind a connection expired or was revoked: the user must reconnect.
    #[error("{0}")]
    ConsentExpired(String),
    /// The path does not take this method; the message names the ones it takes.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The body is larger than the server accepts (its limit in bytes, when known).
    #[error("{}", too_large(*.0))]
    PayloadTooLarge(Option<usize>),
    /// A bug or an unavailable dependency; the detail goes to the log, not to the client.
    #[error("internal error")]
    Internal(String),
}

/// The 413's message: the limit, and the setting that raises it.
fn too_large(limit: Option<usize>) -> String {
    let limit = limit.map_or_else(|| "the limit".to_owned(), |n| format!("{n} bytes"));
    format!(
        "request body larger than {limit} (the server's PSD2_BODY_LIMIT): send less, e.g. \
         invoices in several batches, or raise PSD2_BODY_LIMIT"
    )
}

/// The largest body the server accepts, in bytes (`PSD2_BODY_LIMIT`): the frame puts it into
/// each request's extensions, so [`ApiJson`] names it when a body is larger.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `bad_request`, `unauthorized`.
    pub code: &'static str,
    /// What went wrong and what to do about it.
    pub message: String,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::UnknownConnection => (StatusCode::UNAUTHORIZED, "invalid_access_token"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::BadGateway(_) => (StatusCode::BAD_GATEWAY, "bank_error"),
            ApiError::ConsentExpired(_) => (StatusCode::CONFLICT, "consent_expired"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } => *retry_after,
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<bank_sync::SyncError> for ApiError {
    fn from(e: bank_sync::SyncError) -> Self {
        use bank_sync::SyncError as S;
        match e {
            S::BadRequest(m) | S::CodeRefused(m) => ApiError::BadRequest(m),
            S::State(r) => ApiError::BadRequest(format!(
                "{r}: send the state that consent/initiate returned, once, within its lifetime, \
                 with the same redirect_uri"
            )),
            S::UnknownConnection => ApiError::UnknownConnection,
            S::NotFound(m) => ApiError::NotFound(m),
            S::Forbidden(m) => ApiError::Forbidden(m),
            S::ConsentExpired(m) => ApiError::ConsentExpired(m),
            e @ S::RateLimited { .. } => {
                let retry_after = match &e {
                    S::RateLimited { retry_after, .. } => retry_after.map(|d| d.as_secs()),
                    _ => None,
                };
                ApiError::TooManyRequests {
                    message: e.to_string(),
                    retry_after,
                }
            }
            e @ S::BudgetExhausted { .. } => ApiError::TooManyRequests {
                message: e.to_string(),
                retry_after: None,
            },
            e @ S::TooSoon { .. } => {
                let retry_after = match &e {
                    S::TooSoon { retry_after } => Some(retry_after.as_secs()),
                    _ => None,
                };
                ApiError::TooManyRequests {
                    message: e.to_string(),
                    retry_after,
                }
            }
            S::Busy(m) => ApiError::Conflict(m),
            e @ S::StatementFile(_) => ApiError::BadRequest(e.to_string()),
            S::Bank(m) => ApiError::BadGateway(format!("ING: {m}")),
            S::Conflict(m) => ApiError::Conflict(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// `Json` whose rejections (malformed JSON, wrong types, wrong content type) are our 400s with
/// serde's explanation, instead of axum's plain-text answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::BadRequest(MISSING_JSON.to_owned()));
        }
        let limit = req.extensions().get::<BodyLimit>().map(|l| l.0);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(limit),
                _ => ApiError::BadRequest(format!("cannot read the body: {}", e.body_text())),
            })?;
        // JSON can carry U+0000 only as the escape `\u0000`; bodies without it are parsed once.
        if bytes.windows(6).any(|w| w == b"\\u0000")
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(path) = nul_in(&value, String::new())
        {
            return Err(ApiError::BadRequest(format!(
                "{path} contains a NUL character (U+0000), which no text field may hold: remove it"
            )));
        }
        // Every body of this API is an object; serde would also fill a struct from an array
        // (`[]` as "all fields absent"), which the document does not allow.
        if bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|first| *first != b'{')
        {
            return Err(ApiError::BadRequest(
                "the body must be a JSON object ({…}), as /api/openapi.json describes it".into(),
            ));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection, limit)),
        }
    }
}

/// `application/json` or an `application/…+json` type, as axum's own `Json` accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Where a string holding U+0000 sits in a JSON body (PostgreSQL's text cannot store it, so it
/// is refused on every database alike), as `field.sub[2]`.
fn nul_in(value: &serde_json::Value, at: String) -> Option<String> {
    let here = || {
        if at.is_empty() {
            "the body".to_owned()
        } else {
            at.clone()
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(here()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(here());
            }
            nul_in(
                v,
                if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                },
            )
        }),
        _ => None,
    }
}

const MISSING_JSON: &str = "send the body as JSON with `Content-Type: application/json`";

fn json_rejection(rejection: JsonRejection, limit: Option<usize>) -> ApiError {
    let message = match &rejection {
        JsonRejection::MissingJsonContentType(_) => MISSING_JSON.to_owned(),
        _ => format!("invalid JSON body: {}", rejection.body_text()),
    };
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge(limit);
    }
    ApiError::BadRequest(message)
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(err: ApiError) -> (StatusCode, serde_json::Value, Option<HeaderValue>) {
        let response = err.into_response();
        let status = response.status();
        let retry = response.headers().get(header::RETRY_AFTER).cloned();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap(), retry)
    }

    #[tokio::test]
    async fn errors_have_the_documented_shape() {
        let (status, body, _) =
            body_of(ApiError::BadRequest("date_from must be a date".into())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "bad_request");
        assert_eq!(body["error"]["message"], "date_from must be a date");
    }

    #[tokio::test]
    async fn internal_errors_hide_their_detail() {
        let (status, body, _) = body_of(ApiError::Internal("db password wrong".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["message"], "internal error");
    }

    #[tokio::test]
    async fn rate_limits_carry_retry_after() {
        let err = ApiError::TooManyRequests {
            message: "daily limit".into(),
            retry_after: Some(120),
        };
        let (status, _, retry) = body_of(err).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry.unwrap(), "120");
    }
}
