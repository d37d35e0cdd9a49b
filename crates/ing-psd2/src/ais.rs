//! Account Information: accounts, balances, and every page of transactions (`_links.next`
//! followed to the end), booked and pending. `PSU-IP-Address` is sent only when the customer
//! started the request: PSD2 counts calls without it against 4 unattended calls per day.

use std::net::IpAddr;

use ais_model::{Account, AccountList, BalanceReport, Transaction, TransactionReport, decode};
use bytes::Bytes;
use futures::Stream;
use http::Method;
use http::header::{HeaderName, HeaderValue};
use time::Date;

use crate::client::Client;
use crate::error::{Error, excerpt};
use crate::mask::mask_link;
use crate::retry::Outcome;
use crate::secret::AccessToken;
use crate::transport::{Auth, Call};

/// Options of one AIS request.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// The customer's IP address, for requests the customer started. `None` for the worker's
    /// own (unattended) requests.
    pub psu_ip_address: Option<IpAddr>,
    /// Counts every request sent for this call, retries included, and can cap them (the
    /// unattended allowance left).
    pub counter: Option<crate::RequestCounter>,
}

impl RequestOptions {
    /// Options for a request the customer started from `ip`, or an unattended one for `None`.
    pub fn for_psu(psu_ip_address: Option<IpAddr>) -> Self {
        Self {
            psu_ip_address,
            counter: None,
        }
    }
}

/// Which transactions to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionQuery {
    /// First booking date.
    pub date_from: Date,
    /// Last booking date.
    pub date_to: Date,
    /// Entries per page.
    pub limit: u32,
}

/// All transactions of a window, every page collected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionSet {
    /// Booked entries, in ING's order.
    pub booked: Vec<Transaction>,
    /// Pending entries.
    pub pending: Vec<Transaction>,
    /// Pages fetched.
    pub pages: usize,
}

/// Pages beyond this are refused as a bank-side loop.
const MAX_PAGES: usize = 100_000;

fn check_account_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::Config(format!(
            "{id:?} is not an ING account resource id"
        )));
    }
    Ok(())
}

impl Client {
    async fn ais_get(
        &self,
        token: &AccessToken,
        path: &str,
        options: &RequestOptions,
    ) -> Result<Bytes, Error> {
        let client_id = self.client_id().await?;
        let mut extra = Vec::new();
        if let Some(ip) = options.psu_ip_address
            && let Ok(v) = HeaderValue::from_str(&ip.to_string())
        {
            extra.push((HeaderName::from_static("psu-ip-address"), v));
        }
        let answer = self
            .call(Call {
                method: Method::GET,
                path,
                body: Bytes::new(),
                form: false,
                auth: Auth::Bearer {
                    token: token.secret(),
                    client_id: &client_id,
                },
                extra,
                retry: true,
                counter: options.counter.as_ref(),
            })
            .await?;
        Ok(answer.body)
    }

    async fn ais_decode<T: serde::de::DeserializeOwned>(
        &self,
        what: &'static str,
        token: &AccessToken,
        path: &str,
        options: RequestOptions,
    ) -> Result<T, Error> {
        // A truncated answer is retried like a broken connection: decode inside the retry.
        let options = &options;
        self.inner
            .config
            .retry
            .run("an unreadable ING answer", |_| async move {
                let body = match self.ais_get(token, path, options).await {
                    Ok(body) => body,
                    Err(e) => return Outcome::Fatal(e),
                };
                match decode::<T>(what, &body) {
                    Ok(v) => Outcome::Done(v),
                    Err(source) => Outcome::Transient {
                        error: Error::Decode {
                            source,
                            excerpt: excerpt(&body),
                        },
                        retry_after: None,
                    },
                }
            })
            .await
    }

    /// `GET /v3/accounts`: the accounts the consent covers.
    pub async fn accounts(
        &self,
        token: &AccessToken,
        options: RequestOptions,
    ) -> Result<Vec<Account>, Error> {
        let list: AccountList = self
            .ais_decode("accounts", token, "/v3/accounts", options)
            .await?;
        Ok(list.accounts)
    }

    /// `GET /v3/accounts/{id}/balances`.
    pub async fn balances(
        &self,
        token: &AccessToken,
        account_id: &str,
        options: RequestOptions,
    ) -> Result<BalanceReport, Error> {
        check_account_id(account_id)?;
        self.ais_decode(
            "balances",
            token,
            &format!("/v3/accounts/{account_id}/balances"),
            options,
        )
        .await
    }

    /// One page: the first (from the query) or the one a `next` link points at.
    pub async fn transaction_page(
        &self,
        token: &AccessToken,
        path: &str,
        options: RequestOptions,
    ) -> Result<TransactionReport, Error> {
        self.ais_decode("transactions", token, path, options).await
    }

    /// The path of the first page of a query.
    pub fn first_transactions_path(
        account_id: &str,
        query: &TransactionQuery,
    ) -> Result<String, Error> {
        check_account_id(account_id)?;
        if query.date_from > query.date_to {
            return Err(Error::Config(format!(
                "date_from {} is after date_to {}",
                query.date_from, query.date_to
            )));
        }
        Ok(format!(
            "/v3/accounts/{account_id}/transactions?dateFrom={}&dateTo={}&limit={}",
            ais_model::date::format(query.date_from),
            ais_model::date::format(query.date_to),
            query.limit.max(1)
        ))
    }

    /// The path of the first page of a query from the account's `_links.transactions.href` in
    /// the account list: ING's link is followed rather than a path built by hand, so what ING put
    /// in it (its API version, `currency=`, …) is kept; `dateFrom`, `dateTo` and `limit` are set
    /// on it. The link must be a path on the API host, like a `next` link.
    pub fn transactions_path_from_link(
        &self,
        href: &str,
        query: &TransactionQuery,
    ) -> Result<String, Error> {
        if query.date_from > query.date_to {
            return Err(Error::Config(format!(
                "date_from {} is after date_to {}",
                query.date_from, query.date_to
            )));
        }
        let path = link_path(
            &self.inner.config.base_url,
            href,
            "account list",
            "_links.transactions.href",
        )?;
        let (route, existing) = path.split_once('?').unwrap_or((&path, ""));
        if !route.ends_with("/transactions") {
            return Err(Error::Protocol {
                answer: "account list",
                problem: format!(
                    "its `_links.transactions.href` {} does not lead to transactions",
                    mask_link(href)
                ),
            });
        }
        // ING's own parameters stay byte for byte; ours replace any of the same name.
        let mut params: Vec<String> = existing
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| {
                let key = p.split('=').next().unwrap_or("");
                !matches!(key, "dateFrom" | "dateTo" | "limit")
            })
            .map(str::to_owned)
            .collect();
        params.push(format!(
            "dateFrom={}",
            ais_model::date::format(query.date_from)
        ));
        params.push(format!("dateTo={}", ais_model::date::format(query.date_to)));
        params.push(format!("limit={}", query.limit.max(1)));
        Ok(format!("{route}?{}", params.join("&")))
    }

    /// Every page of a query, starting at the account's `_links.transactions.href`
    /// ([`transactions_path_from_link`](Self::transactions_path_from_link)); otherwise as
    /// [`transaction_pages`](Self::transaction_pages).
    pub fn transaction_pages_via_link<'a>(
        &'a self,
        token: &'a AccessToken,
        href: &str,
        query: &TransactionQuery,
        options: RequestOptions,
    ) -> impl Stream<Item = Result<TransactionReport, Error>> + 'a {
        self.pages_from(
            token,
            self.transactions_path_from_link(href, query),
            options,
        )
    }

    /// Every page of a query, as a stream: the next page is fetched when the previous one has
    /// been taken, so a caller can store each page before asking for the next. The first path
    /// is built from the account id; prefer
    /// [`transaction_pages_via_link`](Self::transaction_pages_via_link) when the account list's
    /// link is at hand.
    pub fn transaction_pages<'a>(
        &'a self,
        token: &'a AccessToken,
        account_id: &str,
        query: &TransactionQuery,
        options: RequestOptions,
    ) -> impl Stream<Item = Result<TransactionReport, Error>> + 'a {
        self.pages_from(
            token,
            Self::first_transactions_path(account_id, query),
            options,
        )
    }

    fn pages_from<'a>(
        &'a self,
        token: &'a AccessToken,
        first: Result<String, Error>,
        options: RequestOptions,
    ) -> impl Stream<Item = Result<TransactionReport, Error>> + 'a {
        futures::stream::try_unfold(
            (first.map(Some), 0usize, None::<String>),
            move |(next, pages, previous)| {
                let options = options.clone();
                async move {
                    let Some(path) = next? else {
                        return Ok(None);
                    };
                    if pages >= MAX_PAGES || previous.as_deref() == Some(path.as_str()) {
                        return Err(Error::Protocol {
                            answer: "transaction page",
                            problem: format!(
                                "its pagination does not end (page {pages}, `_links.next` {})",
                                mask_link(&path)
                            ),
                        });
                    }
                    let page = self.transaction_page(token, &path, options.clone()).await?;
                    let following = page
                        .next_page()
                        .map(|href| next_path(&self.inner.config.base_url, href))
                        .transpose()?;
                    Ok(Some((page, (Ok(following), pages + 1, Some(path)))))
                }
            },
        )
    }

    /// Every page collected.
    pub async fn all_transactions(
        &self,
        token: &AccessToken,
        account_id: &str,
        query: &TransactionQuery,
        options: RequestOptions,
    ) -> Result<TransactionSet, Error> {
        use futures::TryStreamExt as _;
        let mut set = TransactionSet::default();
        let pages = self.transaction_pages(token, account_id, query, options);
        futures::pin_mut!(pages);
        while let Some(page) = pages.try_next().await? {
            set.booked.extend(page.transactions.booked);
            set.pending.extend(page.transactions.pending);
            set.pages += 1;
        }
        Ok(set)
    }
}

/// A `next` link as a path on the API host (`base`); links to another host are refused (the
/// access token must not leave for it).
fn next_path(base: &url::Url, href: &str) -> Result<String, Error> {
    link_path(base, href, "transaction page", "_links.next.href")
}

/// A link of ING's `answer` (found at `field`) as a path on the API host (`base`).
fn link_path(
    base: &url::Url,
    href: &str,
    answer: &'static str,
    field: &str,
) -> Result<String, Error> {
    if href.starts_with('/') {
        let prefix = base.path().trim_end_matches('/');
        return Ok(href
            .strip_prefix(prefix)
            .filter(|p| !prefix.is_empty() && p.starts_with('/'))
            .unwrap_or(href)
            .to_owned());
    }
    let url = url::Url::parse(href).map_err(|e| Error::Protocol {
        answer,
        problem: format!("its `{field}` {} is not a link ({e})", mask_link(href)),
    })?;
    if url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return Err(Error::Protocol {
            answer,
            problem: format!(
                "its `{field}` {} leads to another host than the API's; the access token is \
                 not sent there",
                mask_link(href)
            ),
        });
    }
    Ok(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> url::Url {
        url::Url::parse(url).unwrap()
    }

    #[test]
    fn next_links_become_paths_on_the_api_host() {
        let api = base("https://api.sandbox.ing.com");
        assert_eq!(
            next_path(&api, "/v2/accounts/a1/transactions?next=CQR23TABC").unwrap(),
            "/v2/accounts/a1/transactions?next=CQR23TABC"
        );
        assert_eq!(
            next_path(
                &api,
                "https://api.sandbox.ing.com/v3/accounts/a1/transactions?next=X"
            )
            .unwrap(),
            "/v3/accounts/a1/transactions?next=X"
        );
        // Behind a gateway's path prefix, a link that repeats the prefix loses it.
        let gateway = base("https://gw.example/ing/");
        assert_eq!(
            next_path(&gateway, "/ing/v3/accounts/a1/transactions?next=X").unwrap(),
            "/v3/accounts/a1/transactions?next=X"
        );
    }

    #[test]
    fn a_bad_or_foreign_next_link_breaks_the_protocol_without_showing_its_cursor() {
        let api = base("https://api.sandbox.ing.com");
        for href in [
            "https://evil.example/v3/accounts/a1/transactions?next=SECRETCURSOR",
            "https://api.sandbox.ing.com:8443/v3/accounts/a1/transactions?next=SECRETCURSOR",
            "http//api.sandbox.ing.com/v3/accounts/a1/transactions?next=SECRETCURSOR",
        ] {
            let err = next_path(&api, href).unwrap_err();
            assert!(
                matches!(
                    &err,
                    Error::Protocol {
                        answer: "transaction page",
                        ..
                    }
                ),
                "{href}: {err:?}"
            );
            assert!(!err.is_transient(), "{href}: the same link comes again");
            let text = err.to_string();
            assert!(!text.contains("SECRETCURSOR"), "{text}");
            assert!(text.contains("next=…"), "{text}");
        }
    }
}
