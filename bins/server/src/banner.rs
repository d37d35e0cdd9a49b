//! The start-up banner of `local` mode: what a person needs to try the server, printed once.

use crate::local_token::LocalApiToken;
use crate::run::Started;

/// What `local` mode prints when it has started: where things are, the API token (only on the
/// start that made it) and the whole flow with curl.
pub async fn local_banner(s: &Started) -> String {
    let base = format!("http://{}", s.addr);
    let (token, token_line) = match &s.local_api_token {
        Some(LocalApiToken::New { token, file }) => (
            token.clone(),
            format!(
                "API token (shown this once; keep it, only its digest is stored in {}):\n  {token}",
                file.display()
            ),
        ),
        Some(LocalApiToken::Stored { file, .. }) => (
            "\"<your API token>\"".to_owned(),
            format!(
                "API token: the one printed when this data directory was first used (its digest \
                 is in {}).\nLost it? Start with --rotate-api-token (PSD2_ROTATE_API_TOKEN=true) \
                 to get a new one; the old one then stops working.",
                file.display()
            ),
        ),
        None => (
            "\"$PSD2_API_TOKEN\"".to_owned(),
            "API token: the PSD2_API_TOKEN you configured.".to_owned(),
        ),
    };
    let client_id = s.sync.client().client_id().await.unwrap_or_default();
    let redirect = s
        .sync
        .policy()
        .redirect_uris
        .first()
        .cloned()
        .unwrap_or_default();
    let consent = s
        .sandbox
        .as_ref()
        .map(|x| x.consent_url())
        .unwrap_or_default();
    format!(
        r#"
psd2-server is running in local mode: the bundled ING sandbox answers at {api}
(consent pages at {consent}). Nothing here talks to ING.

Banking page: {base}/banking (sign in with the API token; German or English by your browser)

{token_line}

The whole flow with curl:

  export API={base}/api/backoffice/finance/psd2 TOKEN={token} CLIENT_ID={client_id}

  # 1. start a consent
  curl -s -X POST $API/consent/initiate -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","redirect_uri":"{redirect}","scope":"payment-accounts:balances:view payment-accounts:transactions:view"}}'

  # 2. open authorization_url in a browser and click "Allow"; the redirect URL carries code and state
  #    (without a browser: docs/api.md shows the same click with curl)

  # 3. finish it (state from step 1, code from the redirect)
  curl -s -X POST $API/consent/callback -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","authorization_code":"CODE","redirect_uri":"{redirect}","state":"STATE"}}'

  # 4. accounts (access_token from step 3)
  curl -s -X POST "$API/accounts/sync?create_missing=true" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{{"client_id":"'$CLIENT_ID'","access_token":"ACCESS_TOKEN"}}'

  # 5. transactions, reconciled against open invoices (account_id from step 4)
  curl -s -X POST $API/transactions/sync -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","access_token":"ACCESS_TOKEN","account_id":"1","date_from":"2025-01-01","skip_duplicates":true,"auto_reconcile":true}}'

Stop with Ctrl-C."#,
        api = s.sandbox.as_ref().map(|x| x.api_url()).unwrap_or_default(),
    )
}
