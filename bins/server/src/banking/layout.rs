//! The page shell (navigation, message, styles) and how money and dates are shown.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use storage::Money;

use super::i18n::{Key, Lang};
use super::session::Flash;

const STYLE: &str = r#"
*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
.skip{position:absolute;left:-100vw;top:0;background:#fff;color:#0a5cd8;padding:.5rem 1rem;z-index:10}.skip:focus{left:0}
header{background:#ff6200;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
nav a{margin-right:1rem;display:inline-block}header a{color:#fff;text-decoration:none;font-weight:600}header a:focus,header a:hover{text-decoration:underline}
header h1{font-size:1.1rem;margin:0 1rem 0 0}main{max-width:72rem;margin:0 auto;padding:1rem}main:focus{outline:none}
.msg{padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}.ok{background:#e3f4e5}.err{background:#fde2e1}
.card{background:#fff;border-radius:.4rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e4e4e4;vertical-align:top;overflow-wrap:break-word}
td.num,th.num{text-align:right;white-space:nowrap}.neg{color:#b00020}.muted{color:#666;font-size:.9rem}
tr:target,section:target{outline:3px solid #0a5cd8;outline-offset:-3px;background:#eef4ff}tr[tabindex]:focus,section[tabindex]:focus{outline:3px solid #0a5cd8;outline-offset:-3px}
button,.button{font:inherit;background:#ff6200;color:#fff;border:0;border-radius:.25rem;padding:.45rem .9rem;cursor:pointer;text-decoration:none;display:inline-block;margin:.1rem 0}
button.secondary,.button.secondary{background:#555}button:focus,a:focus,input:focus,select:focus,summary:focus{outline:3px solid #0a5cd8;outline-offset:2px}
form.inline{display:inline}label{display:inline-block;margin:.25rem .5rem .25rem 0}input,select{font:inherit;padding:.3rem;max-width:100%}
.field{margin:0 0 .75rem}.field label{display:block;margin:0 0 .25rem;font-weight:600}.field input{width:100%;max-width:24rem}
ul.reasons{margin:0;padding-left:1.1rem}li.con{color:#8a1020}.sign{font-weight:700}
ul.choices{list-style:none;padding:0;margin:0}label.choice{display:block;padding:.35rem 0;border-bottom:1px solid #eee}
dl.payment{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dl.payment dd{margin:0;overflow-wrap:anywhere}
fieldset{border:1px solid #ddd;border-radius:.25rem;margin:0 0 1rem;min-width:0}
.badge{padding:.1rem .4rem;border-radius:.2rem;font-size:.85rem}.b-active{background:#e3f4e5}.b-expiring{background:#fff3cd}.b-expired,.b-revoked,.b-error{background:#fde2e1}
@media (max-width:600px){
header{padding:.5rem}main{padding:.5rem}.card{padding:.75rem}th,td{padding:.3rem}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.stack tr{border-bottom:2px solid #ddd;padding:.4rem 0}table.stack td{border:0;padding:.15rem 0;overflow-wrap:anywhere}
table.stack td.num{text-align:left;white-space:normal}
table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#555}
label{display:block}
}
"#;

/// The page's one script: a form that takes a while says so and cannot be sent twice.
///
/// After an action the browser returns to the changed row (`…#tx-123`); the script moves the
/// keyboard focus there too (rows carry `tabindex=-1`), so the person goes on where they were.
/// A row the list no longer shows (a matched payment in a list of unmatched ones) leaves the
/// focus on the message that says what happened. Without JavaScript the fragment still scrolls
/// to the row and `:target` marks it.
const BUSY: &str = "document.querySelectorAll('form[data-busy]').forEach(function(f){f.addEventListener('submit',function(){var b=f.querySelector('button');if(b){b.disabled=true;b.textContent=f.dataset.busy;}var p=document.createElement('p');p.className='muted';p.setAttribute('role','status');p.textContent=f.dataset.busy;f.appendChild(p);});});if(location.hash){var t=document.getElementById(decodeURIComponent(location.hash.slice(1)))||document.getElementById('flash');if(t&&t.hasAttribute('tabindex')){t.focus();}}";

/// The Content-Security-Policy every answer carries: nothing may load or run but the one inline
/// style and the one inline script of this shell, named by their SHA-256 (CSP Level 3 hash
/// sources), and no other site may frame the pages (clickjacking). Computed from the very
/// strings the shell embeds, so editing either cannot leave a stale hash behind.
pub fn content_security_policy() -> String {
    use base64::Engine as _;
    let hash = |text: &str| {
        let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    };
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src 'self'; \
         base-uri 'none'; frame-ancestors 'none'",
        hash(STYLE),
        hash(BUSY)
    )
}

/// One page: header with navigation, the flash message, the body.
pub fn page(
    lang: Lang,
    title: &str,
    csrf: Option<&str>,
    flash: Option<Flash>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t(Key::Title)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { (lang.t(Key::SkipToContent)) }
                header {
                    h1 { (lang.t(Key::Title)) }
                    @if let Some(csrf) = csrf {
                        nav aria-label="main" {
                            a href="/banking" { (lang.t(Key::Overview)) } " "
                            a href="/banking/transactions" { (lang.t(Key::Transactions)) } " "
                            a href="/banking/review" { (lang.t(Key::Review)) } " "
                            a href="/banking/invoices" { (lang.t(Key::Invoices)) } " "
                            a href="/banking/customers" { (lang.t(Key::Customers)) } " "
                            a href="/banking/statements" { (lang.t(Key::Statements)) }
                        }
                        form.inline method="post" action="/banking/logout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button.secondary type="submit" { (lang.t(Key::Logout)) }
                        }
                    }
                }
                main #main tabindex="-1" {
                    @if let Some(f) = flash {
                        p.msg.ok[f.ok].err[!f.ok] #flash role="status" tabindex="-1" { (f.text) }
                    }
                    (body)
                }
                // Progressive enhancement: a form that takes a while says so and cannot be sent
                // twice. Without JavaScript the form works the same.
                script { (PreEscaped(BUSY)) }
            }
        }
    }
}

/// A signed amount in the currency's usual form: `-1.234,56 €` (de) or `-€1,234.56` (en).
pub fn money(lang: Lang, amount: Money, currency: &str) -> String {
    let text = amount.to_string();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = format!("{frac:0<2}");
    let (group, point) = match lang {
        Lang::De => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let number = format!("{grouped}{point}{frac}");
    let sign = if neg { "-" } else { "" };
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    match lang {
        Lang::De => format!("{sign}{number} {symbol}"),
        Lang::En if symbol.len() > 1 && symbol.is_ascii() => format!("{sign}{symbol} {number}"),
        Lang::En => format!("{sign}{symbol}{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_both_languages() {
        let m = |text: &str| -> Money { text.parse().unwrap() };
        assert_eq!(money(Lang::De, m("-1234.5"), "EUR"), "-1.234,50 €");
        assert_eq!(money(Lang::En, m("1234567.89"), "EUR"), "€1,234,567.89");
        assert_eq!(money(Lang::En, m("-0.10"), "CHF"), "-CHF 0.10");
        assert_eq!(money(Lang::De, m("100"), "EUR"), "100,00 €");
    }
}
