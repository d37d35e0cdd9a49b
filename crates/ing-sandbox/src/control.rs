//! `/__sandbox/…`: the control routes on the consent port (only with `clock_control`), for soak
//! tests and outside checkers that run the sandbox as a process: move the simulated clock, read
//! the ledger's truth as of now, read the unattended calls counted per account and day.
//!
//! They live on the plain-HTTP consent port, not the mTLS API, because they are not ING's API:
//! a checker needs no client certificate, and no ING client can reach them by mistake.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use crate::clock::rfc3339;
use crate::respond::json;
use crate::state::Shared;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sandbox/clock", get(clock).post(move_clock))
        .route("/__sandbox/ledger", get(ledger))
        .route("/__sandbox/allowance", get(allowance))
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "message": message }), None)
}

fn now_answer(now: OffsetDateTime) -> Response {
    json(
        StatusCode::OK,
        &serde_json::json!({ "now": rfc3339(now) }),
        None,
    )
}

/// `GET /__sandbox/clock` → `{"now": "<RFC 3339>"}`.
async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    now_answer(shared.now())
}

/// Body of `POST /__sandbox/clock`: exactly one of the three.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Move {
    advance_days: Option<i64>,
    advance_seconds: Option<i64>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    now: Option<OffsetDateTime>,
}

/// `POST /__sandbox/clock` with `{"advance_days": N}`, `{"advance_seconds": N}` or
/// `{"now": "<RFC 3339>"}` → `{"now": …}`; 400 for going backwards or a malformed body.
async fn move_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let m: Move = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "expected {{\"advance_days\": N}}, {{\"advance_seconds\": N}} or {{\"now\": \"<RFC 3339>\"}}: {e}"
                ),
            );
        }
    };
    let moved = match (m.advance_days, m.advance_seconds, m.now) {
        (Some(days), None, None) if days >= 0 => days
            .checked_mul(86_400)
            .map(time::Duration::seconds)
            .map(|by| shared.clock.advance(by)),
        (None, Some(secs), None) if secs >= 0 => {
            Some(shared.clock.advance(time::Duration::seconds(secs)))
        }
        (None, None, Some(now)) => Some(shared.clock.set(now)),
        (Some(_), None, None) | (None, Some(_), None) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the sandbox clock cannot go backwards: advance_days and advance_seconds must be 0 or more",
            );
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "give exactly one of advance_days, advance_seconds or now",
            );
        }
    };
    match moved {
        Some(Ok(now)) => {
            shared.persist();
            now_answer(now)
        }
        Some(Err(e)) => error(StatusCode::BAD_REQUEST, &e.to_string()),
        None => error(
            StatusCode::BAD_REQUEST,
            "the sandbox clock cannot move that far",
        ),
    }
}

#[derive(Debug, Deserialize)]
struct LedgerQuery {
    account: Option<String>,
}

/// `GET /__sandbox/ledger?account=<resourceId>` → `{"booked": […], "pending": […]}` in the AIS
/// transactions endpoint's shapes: every booked entry visible as of now (newest first) and the
/// pending entries open now.
async fn ledger(State(shared): State<Arc<Shared>>, Query(q): Query<LedgerQuery>) -> Response {
    let Some(id) = q.account else {
        return error(StatusCode::BAD_REQUEST, "account=<resourceId> is required");
    };
    let day = shared.now().date();
    let (Some(account), Some(view)) = (shared.truth.account(&id), shared.view(&id, day)) else {
        return error(StatusCode::NOT_FOUND, "unknown account");
    };
    let booked: Vec<_> = view
        .booked
        .iter()
        .rev()
        .map(|t| crate::ais::render(t, account))
        .collect();
    let pending: Vec<_> = view
        .pending
        .iter()
        .map(|t| crate::ais::render(t, account))
        .collect();
    json(
        StatusCode::OK,
        &serde_json::json!({ "booked": booked, "pending": pending }),
        None,
    )
}

#[derive(Debug, Deserialize)]
struct AllowanceQuery {
    refused: Option<bool>,
}

/// Calls per account per day, in order, from the flat (account, day) map.
pub(crate) fn tally(
    counts: &HashMap<(String, Date), u32>,
) -> BTreeMap<String, BTreeMap<Date, u32>> {
    let mut out: BTreeMap<String, BTreeMap<Date, u32>> = BTreeMap::new();
    for ((account, day), n) in counts {
        out.entry(account.clone()).or_default().insert(*day, *n);
    }
    out
}

/// `GET /__sandbox/allowance` → `{"<resourceId>": {"YYYY-MM-DD": n}}`: unattended AIS calls
/// answered per account per simulated day. `?refused=true` gives those refused with 429 instead.
async fn allowance(State(shared): State<Arc<Shared>>, Query(q): Query<AllowanceQuery>) -> Response {
    let table = {
        let budget = shared.lock_budget();
        if q.refused.unwrap_or(false) {
            tally(&budget.refused)
        } else {
            tally(&budget.counted)
        }
    };
    let value: serde_json::Map<String, serde_json::Value> = table
        .into_iter()
        .map(|(account, days)| {
            let days: serde_json::Map<String, serde_json::Value> = days
                .into_iter()
                .map(|(d, n)| (d.to_string(), n.into()))
                .collect();
            (account, days.into())
        })
        .collect();
    json(StatusCode::OK, &value.into(), None)
}
