//! German and English, chosen from the browser's `Accept-Language`.

use axum::http::HeaderMap;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Deutsch.
    De,
    /// English.
    En,
}

impl Lang {
    /// The first of the browser's languages that we speak; English otherwise.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for tag in accept.split(',') {
            let code = tag
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if code.starts_with("de") {
                return Lang::De;
            }
            if code.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::En
    }

    /// `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The text for `key` (the English text is the key's meaning).
    pub fn t(self, key: Key) -> &'static str {
        let (en, de) = key.texts();
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

macro_rules! keys {
    ($($name:ident => $en:literal, $de:literal;)*) => {
        /// Every text of the pages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Key { $($name,)* }
        impl Key {
            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$name => ($en, $de),)* }
            }
        }
    };
}

keys! {
    Title => "Banking", "Banking";
    Login => "Sign in", "Anmelden";
    LoginHelp => "Enter the API token of this server (PSD2_API_TOKEN; in local mode printed on the first start, a new one with --rotate-api-token).", "API-Token dieses Servers eingeben (PSD2_API_TOKEN; im local-Modus beim ersten Start ausgegeben, ein neues mit --rotate-api-token).";
    ApiToken => "API token", "API-Token";
    YourName => "Your name (recorded with your decisions)", "Ihr Name (wird mit Ihren Entscheidungen gespeichert)";
    SignedOutRestart => "The server was restarted, which signs everyone out. Please sign in again.", "Der Server wurde neu gestartet; dabei werden alle abgemeldet. Bitte erneut anmelden.";
    SignedOutEnded => "Your session has ended (signed out, or unused for 8 hours). Please sign in again.", "Ihre Sitzung ist beendet (abgemeldet oder 8 Stunden nicht genutzt). Bitte erneut anmelden.";
    WrongToken => "That is not the API token of this server.", "Das ist nicht das API-Token dieses Servers.";
    Logout => "Sign out", "Abmelden";
    Overview => "Accounts", "Konten";
    Transactions => "Transactions", "Umsätze";
    Review => "Review", "Prüfen";
    Invoices => "Invoices", "Rechnungen";
    ConnectIng => "Connect ING account", "ING-Konto verbinden";
    Reconnect => "Reconnect", "Neu verbinden";
    NoConnections => "No bank connected yet.", "Noch keine Bank verbunden.";
    Connection => "Connection", "Verbindung";
    Status => "Status", "Status";
    ValidUntil => "Consent valid until", "Zustimmung gültig bis";
    DaysLeft => "days left", "Tage übrig";
    Active => "active", "aktiv";
    Expiring => "expiring", "läuft bald ab";
    Expired => "expired", "abgelaufen";
    Revoked => "revoked", "widerrufen";
    Replaced => "replaced by a newer connection", "durch neuere Verbindung ersetzt";
    ErrorStatus => "error", "Fehler";
    Account => "Account", "Konto";
    Balance => "Balance", "Saldo";
    LastSync => "Last sync", "Letzter Abgleich";
    Never => "never", "nie";
    SyncNow => "Sync now", "Jetzt abrufen";
    Synced => "Imported {imported} new, {skipped} known, {auto} matched automatically, {suggested} to review.", "{imported} neu importiert, {skipped} bekannt, {auto} automatisch zugeordnet, {suggested} zu prüfen.";
    RateLimited => "ING allows only a few automatic requests per day for this account and the limit is reached. Nothing was lost; try again later.", "ING erlaubt für dieses Konto nur wenige automatische Abrufe am Tag, und die Grenze ist erreicht. Es ging nichts verloren; später erneut versuchen.";
    ConsentGone => "The consent for this connection has ended. Reconnect the account to go on.", "Die Zustimmung für diese Verbindung ist abgelaufen. Konto neu verbinden, um fortzufahren.";
    ConsentOtherBrowser => "This consent was started in another browser, or too long ago. Start it again from the banking page in this browser.", "Diese Freigabe wurde in einem anderen Browser oder vor zu langer Zeit begonnen. Bitte auf der Banking-Seite in diesem Browser neu starten.";
    TooManySignIns => "Too many failed sign-ins from this address. Wait a minute and try again.", "Zu viele fehlgeschlagene Anmeldungen von dieser Adresse. Bitte eine Minute warten und erneut versuchen.";
    InternalError => "Something went wrong on our side. It has been logged with reference {ref}; please tell whoever runs this server.", "Bei uns ist ein Fehler aufgetreten. Er wurde unter der Referenz {ref} protokolliert; bitte der Person melden, die diesen Server betreibt.";
    BankError => "The bank could not be reached or answered with an error. Try again in a few minutes.", "Die Bank war nicht erreichbar oder hat mit einem Fehler geantwortet. In ein paar Minuten erneut versuchen.";
    Reconnected => "Reconnected: the connection is active again, with its accounts and history.", "Neu verbunden: Die Verbindung ist wieder aktiv, mit ihren Konten und Umsätzen.";
    ExpiredRefused => "The bank no longer accepts this connection's consent (it was withdrawn at the bank, or the bank no longer knows it). Reconnect to give it again; the accounts and their history stay.", "Die Bank akzeptiert die Zustimmung dieser Verbindung nicht mehr (bei der Bank widerrufen, oder der Bank nicht mehr bekannt). Neu verbinden, um sie erneut zu erteilen; Konten und Umsätze bleiben erhalten.";
    ExpiredEnded => "The consent has run its course (PSD2 consents last 90 days). Reconnect to renew it; the accounts and their history stay.", "Die Zustimmung ist abgelaufen (PSD2-Zustimmungen gelten 90 Tage). Neu verbinden, um sie zu erneuern; Konten und Umsätze bleiben erhalten.";
    ExpiringSoon => "The consent ends soon. Reconnect before it does to keep syncing without a gap.", "Die Zustimmung endet bald. Vorher neu verbinden, damit die Abfrage ohne Lücke weiterläuft.";
    RevokedExplained => "This connection was removed and its access at the bank withdrawn.", "Diese Verbindung wurde entfernt und ihr Zugriff bei der Bank widerrufen.";
    ReplacedExplained => "A newer connection for the same accounts took them over, with their history.", "Eine neuere Verbindung für dieselben Konten hat sie samt Umsätzen übernommen.";
    Connected => "Connected: {n} account(s) added.", "Verbunden: {n} Konto/Konten hinzugefügt.";
    ConsentDenied => "The connection was not allowed at the bank. Nothing was changed.", "Die Verbindung wurde bei der Bank nicht erlaubt. Es wurde nichts geändert.";
    ConsentStale => "This link has expired or was already used. Please start the connection again.", "Dieser Link ist abgelaufen oder wurde schon benutzt. Bitte die Verbindung neu starten.";
    ConsentCode => "The bank did not accept the authorization (it is valid only once and for a short time). Please start again.", "Die Bank hat die Freigabe nicht angenommen (sie gilt nur einmal und kurz). Bitte neu starten.";
    Continue => "Continue", "Weiter";
    Date => "Date", "Datum";
    Counterparty => "Counterparty", "Gegenpartei";
    Text => "Text", "Verwendungszweck";
    Amount => "Amount", "Betrag";
    Match => "Match", "Zuordnung";
    All => "all", "alle";
    Booked => "booked", "gebucht";
    Pending => "pending", "vorgemerkt";
    Matched => "matched", "zugeordnet";
    Suggested => "to review", "zu prüfen";
    Unmatched => "open", "offen";
    From => "from", "von";
    To => "to", "bis";
    Filter => "Filter", "Filtern";
    Previous => "Previous", "Zurück";
    Next => "Next", "Weiter";
    NoTransactions => "No transactions.", "Keine Umsätze.";
    NothingToReview => "Nothing to review.", "Nichts zu prüfen.";
    Invoice => "Invoice", "Rechnung";
    Confidence => "Confidence", "Sicherheit";
    Reasons => "Why", "Warum";
    Confirm => "Confirm", "Bestätigen";
    Reject => "Reject", "Ablehnen";
    Undo => "Undo", "Rückgängig";
    Confirmed => "Confirmed.", "Bestätigt.";
    Rejected => "Rejected.", "Abgelehnt.";
    Undone => "Undone: the invoices are open again.", "Rückgängig gemacht: die Rechnungen sind wieder offen.";
    UploadCsv => "Upload open invoices (CSV or Excel)", "Offene Rechnungen hochladen (CSV oder Excel)";
    CsvHelp => "A CSV file (separated by ; , or tab; UTF-8 or Windows-1252) or an Excel workbook (.xlsx). The first line names the columns, in German, English or Dutch: invoice number, customer, amount or open amount, invoice date are needed; customer number, due date, currency, IBAN, kind are read when present. You see a preview before anything is stored.", "Eine CSV-Datei (getrennt durch ; , oder Tab; UTF-8 oder Windows-1252) oder eine Excel-Arbeitsmappe (.xlsx). Die erste Zeile nennt die Spalten, auf Deutsch, Englisch oder Niederländisch: Rechnungsnummer, Kunde, Betrag oder offener Betrag und Rechnungsdatum sind nötig; Kundennummer, Fälligkeit, Währung, IBAN und Belegart werden gelesen, wenn vorhanden. Vor dem Speichern erscheint eine Vorschau.";
    Upload => "Upload", "Hochladen";
    CsvDone => "{created} invoice(s) created, {updated} updated.", "{created} Rechnung(en) angelegt, {updated} aktualisiert.";
    CsvErrors => "Nothing was imported; fix these rows and upload again:", "Nichts importiert; diese Zeilen korrigieren und erneut hochladen:";
    FileRefused => "Nothing was imported:", "Nichts importiert:";
    ImportPreview => "Check before importing", "Vor dem Import prüfen";
    ReadAs => "Read as", "Gelesen als";
    FormatCsv => "CSV, {encoding}, separator {sep}", "CSV, {encoding}, Trennzeichen {sep}";
    FormatXlsx => "Excel workbook, sheet “{sheet}”", "Excel-Arbeitsmappe, Blatt „{sheet}“";
    ColumnInFile => "Column in the file", "Spalte in der Datei";
    ReadAsField => "Read as", "Gelesen als";
    Ignored => "ignored", "ignoriert";
    DecimalComma => "decimal comma (1.190,00)", "Dezimalkomma (1.190,00)";
    DecimalPoint => "decimal point (1,190.00)", "Dezimalpunkt (1,190.00)";
    NoDecimalMark => "whole numbers only (no decimal mark seen)", "nur ganze Zahlen (kein Dezimalzeichen gesehen)";
    DayMonth => "day before month", "Tag vor Monat";
    MonthDay => "month before day", "Monat vor Tag";
    NoSlashDates => "unambiguous dates", "eindeutige Daten";
    FirstRows => "The first {n} of {total} invoice(s) as they will be stored", "Die ersten {n} von {total} Rechnung(en), wie sie gespeichert werden";
    SkippedRows => "Left out, nothing open any more: {numbers}", "Ausgelassen, nichts mehr offen: {numbers}";
    OpenAmountNote => "The file has an open amount: that is what is stored as the amount to match (payments settle what is open).", "Die Datei hat einen offenen Betrag: er wird als zuzuordnender Betrag gespeichert (Zahlungen begleichen, was offen ist).";
    ConfirmImport => "Import {n} invoice(s)", "{n} Rechnung(en) importieren";
    Cancel => "Cancel", "Abbrechen";
    UploadGone => "The uploaded file is no longer here (older than 30 minutes, already imported, or replaced by a newer upload). Please upload it again.", "Die hochgeladene Datei ist nicht mehr da (älter als 30 Minuten, schon importiert oder durch eine neuere ersetzt). Bitte erneut hochladen.";
    NothingToImport => "Nothing to import: every row is left out.", "Nichts zu importieren: alle Zeilen werden ausgelassen.";
    FileEmpty => "The file is empty. Export the open invoices with a header line and at least one row.", "Die Datei ist leer. Die offenen Rechnungen mit Kopfzeile und mindestens einer Zeile exportieren.";
    FileHeaderOnly => "The file has a header line but no invoice rows.", "Die Datei hat eine Kopfzeile, aber keine Rechnungszeilen.";
    FileOldExcel => "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV.", "Das ist eine alte Excel-Datei (.xls). Bitte als Excel-Arbeitsmappe (.xlsx) oder als CSV speichern.";
    FileNotWorkbook => "The workbook cannot be read ({detail}). Save it again as .xlsx or CSV.", "Die Arbeitsmappe ist nicht lesbar ({detail}). Bitte erneut als .xlsx oder CSV speichern.";
    FileUnreadable => "The CSV file cannot be read ({detail}).", "Die CSV-Datei ist nicht lesbar ({detail}).";
    FileMissingColumns => "Column(s) missing: {missing}. The header line has: {found}.", "Spalte(n) fehlen: {missing}. Die Kopfzeile hat: {found}.";
    FileDuplicateColumn => "The columns “{first}” and “{second}” both mean {field}; remove or rename one.", "Die Spalten „{first}“ und „{second}“ bedeuten beide {field}; eine entfernen oder umbenennen.";
    FileMixedMarks => "Column “{column}” mixes decimal commas (line {comma}) and decimal points (line {point}); write all its amounts the same way.", "Spalte „{column}“ mischt Dezimalkommas (Zeile {comma}) und Dezimalpunkte (Zeile {point}); alle Beträge gleich schreiben.";
    FileTooLarge => "The file could not be read completely (larger than the server accepts?).", "Die Datei konnte nicht vollständig gelesen werden (größer als erlaubt?).";
    PMissing => "empty", "leer";
    PNotAnAmount => "“{value}” is not an amount", "„{value}“ ist kein Betrag";
    PAmbiguousAmount => "“{value}” could be a decimal or a thousands mark, and the column's other values do not tell", "„{value}“ kann Dezimal- oder Tausendertrennzeichen sein, und die anderen Werte der Spalte sagen es nicht";
    PNotADate => "“{value}” is not a date", "„{value}“ ist kein Datum";
    PAmbiguousDate => "“{value}” could be day/month or month/day, and the column's other values do not tell", "„{value}“ kann Tag/Monat oder Monat/Tag sein, und die anderen Werte der Spalte sagen es nicht";
    PTwoDigitYear => "“{value}” has a two-digit year", "„{value}“ hat eine zweistellige Jahreszahl";
    PZero => "the amount is zero", "der Betrag ist null";
    POpenAboveTotal => "open {open} is more than the total {total}", "offen {open} ist mehr als der Gesamtbetrag {total}";
    PNegativeInvoice => "{value} is negative but the kind is invoice", "{value} ist negativ, aber die Belegart ist Rechnung";
    PUnknownKind => "“{value}” is not a kind we know", "„{value}“ ist keine bekannte Belegart";
    PNotACurrency => "“{value}” is not a currency code", "„{value}“ ist kein Währungscode";
    PDuplicate => "the same invoice number as line {line}", "dieselbe Rechnungsnummer wie Zeile {line}";
    HMissing => "fill it in", "bitte ausfüllen";
    HAmount => "write it like 1.190,00 or 1190.00", "z. B. 1.190,00 oder 1190.00 schreiben";
    HAmbiguousAmount => "add the cents (1.190,00) or leave out the thousands mark (1190)", "Cent ergänzen (1.190,00) oder Tausenderpunkt weglassen (1190)";
    HDate => "write it as DD.MM.YYYY or YYYY-MM-DD", "als TT.MM.JJJJ oder JJJJ-MM-TT schreiben";
    HYear => "write the year with four digits", "Jahr vierstellig schreiben";
    HZero => "leave out invoices of zero", "Rechnungen über null weglassen";
    HOpen => "check the open amount and the total", "offenen Betrag und Gesamtbetrag prüfen";
    HNegative => "a credit note has the kind Gutschrift (credit_note)", "eine Gutschrift hat die Belegart Gutschrift (credit_note)";
    HKind => "use Rechnung or Gutschrift (invoice, credit_note)", "Rechnung oder Gutschrift verwenden (invoice, credit_note)";
    HCurrency => "use a three-letter code such as EUR", "dreibuchstabigen Code wie EUR verwenden";
    HDuplicate => "each invoice number once per file", "jede Rechnungsnummer nur einmal pro Datei";
    FCustomerNumber => "Customer number", "Kundennummer";
    FTotal => "Total", "Gesamtbetrag";
    FIssueDate => "Invoice date", "Rechnungsdatum";
    FCurrency => "Currency", "Währung";
    FIban => "IBAN", "IBAN";
    FCreditorRef => "Creditor reference", "Gläubigerreferenz";
    FKind => "Kind", "Belegart";
    KindInvoice => "invoice", "Rechnung";
    KindCreditNote => "credit note", "Gutschrift";
    Row => "Row", "Zeile";
    Open => "Open", "Offen";
    Customer => "Customer", "Kunde";
    Due => "Due", "Fällig";
    OtherInvoice => "Another invoice", "Andere Rechnung";
    InvoiceNumber => "Invoice number", "Rechnungsnummer";
    Assign => "Assign", "Zuordnen";
    NoSuchInvoice => "There is no invoice with that number.", "Es gibt keine Rechnung mit dieser Nummer.";
    Assigned => "Assigned to the invoice.", "Der Rechnung zugeordnet.";
    NextAttempt => "The next sync is possible after {time} (UTC).", "Der nächste Abruf ist nach {time} (UTC) möglich.";
    Syncing => "Syncing…", "Wird abgerufen…";
    Customers => "Customers", "Kunden";
    CustomerNumber => "Customer no.", "Kundennr.";
    OpenItems => "Open items", "Offene Posten";
    KnownPayers => "Known payers", "Bekannte Zahler";
    NoCustomers => "No customers yet: upload invoices with a customer_number column.", "Noch keine Kunden: Rechnungen mit einer Spalte customer_number hochladen.";
    PayerUploaded => "uploaded", "hochgeladen";
    PayerLearned => "learned from decision on {date}", "gelernt aus Entscheidung vom {date}";
    PayerRejected => "not this customer (rejected on {date})", "nicht dieser Kunde (abgelehnt am {date})";
    Remove => "Remove", "Entfernen";
    PayerRemoved => "The learned payer was removed; its payments no longer count as known.", "Der gelernte Zahler wurde entfernt; seine Zahlungen gelten nicht mehr als bekannt.";
    KnownPayerLearned => "known payer (learned from decision on {date})", "bekannter Zahler (gelernt aus Entscheidung vom {date})";
    WithoutCustomerNumber => "{n} invoice(s) without customer number: grouped by customer name, so customers who share a name count as one.", "{n} Rechnung(en) ohne Kundennummer: nach Kundenname gruppiert, Kunden mit gleichem Namen gelten als einer.";
    SkipToContent => "Skip to content", "Zum Inhalt springen";
    ByHand => "matched by hand", "von Hand zugeordnet";
    BankChangedAmount => "the bank changed the amount from {before} to {after} on {on}", "die Bank hat den Betrag am {on} von {before} auf {after} geändert";
    HeldBelowThreshold => "Not matched automatically: confidence {c} is below the {auto} needed.", "Nicht automatisch zugeordnet: Sicherheit {c} liegt unter den nötigen {auto}.";
    HeldAmbiguous => "Not matched automatically: another invoice fits almost as well.", "Nicht automatisch zugeordnet: eine andere Rechnung passt fast genauso gut.";
    HeldNoIdentifier => "Not matched automatically: neither a reference nor an IBAN known only for this customer names the invoice.", "Nicht automatisch zugeordnet: weder eine Referenz noch eine nur für diesen Kunden bekannte IBAN nennt die Rechnung.";
    HeldAmountDoesNotSettle => "Not matched automatically: the amount does not settle the invoice; you decide about the difference.", "Nicht automatisch zugeordnet: der Betrag begleicht die Rechnung nicht; Sie entscheiden über die Differenz.";
    HeldCurrencyDiffers => "Not matched automatically: payment and invoice are in different currencies.", "Nicht automatisch zugeordnet: Zahlung und Rechnung haben verschiedene Währungen.";
    HeldUnknownReference => "Not matched automatically: the text names {ref}, which is not an open invoice.", "Nicht automatisch zugeordnet: der Text nennt {ref}, das keine offene Rechnung ist.";
    HeldSettledInBatch => "Not matched automatically: another payment of the same sync settled this invoice.", "Nicht automatisch zugeordnet: eine andere Zahlung desselben Abrufs hat diese Rechnung beglichen.";
    ReasonFor => "speaks for it", "spricht dafür";
    ReasonAgainst => "speaks against it", "spricht dagegen";
    SuggestionGone => "This suggestion is no longer open: its invoice has been settled or changed meanwhile, or someone else decided it. The list shows what is still to review.", "Dieser Vorschlag ist nicht mehr offen: die Rechnung wurde inzwischen beglichen oder geändert, oder jemand anderes hat entschieden. Die Liste zeigt, was noch zu prüfen ist.";
    ChangedMeanwhile => "This changed meanwhile (someone else decided, or the invoice was settled). The page shows the current state; please check and try again.", "Das hat sich inzwischen geändert (jemand anderes hat entschieden, oder die Rechnung wurde beglichen). Die Seite zeigt den aktuellen Stand; bitte prüfen und erneut versuchen.";
    NotThereAnyMore => "That is no longer here. The page shows the current state.", "Das gibt es nicht mehr. Die Seite zeigt den aktuellen Stand.";
    NothingOpenToSettle => "That invoice has nothing open any more (already paid or cancelled). Choose another one.", "Diese Rechnung hat nichts mehr offen (schon bezahlt oder storniert). Bitte eine andere wählen.";
    MatchByHand => "Match", "Zuordnen";
    MatchTitle => "Match a payment by hand", "Zahlung von Hand zuordnen";
    MatchHelp => "Choose the open invoice(s) this payment is for. The payment settles them in the order chosen, each as far as it reaches; what is left of the payment stays unallocated.", "Die offene(n) Rechnung(en) wählen, für die diese Zahlung ist. Die Zahlung begleicht sie in der gewählten Reihenfolge, jede so weit sie reicht; ein Rest der Zahlung bleibt unzugeordnet.";
    MatchChosen => "Match with the chosen invoice(s)", "Mit den gewählten Rechnungen zuordnen";
    NoOpenInvoices => "There are no open invoices in this currency. Upload invoices first.", "Es gibt keine offenen Rechnungen in dieser Währung. Zuerst Rechnungen hochladen.";
    ChooseInvoice => "Choose at least one invoice.", "Bitte mindestens eine Rechnung wählen.";
    SameAmount => "same amount", "gleicher Betrag";
    MatchedByHand => "Matched: the payment is allocated to {numbers}.", "Zugeordnet: die Zahlung ist {numbers} zugeordnet.";
    NotMatchable => "Only an incoming payment that is not matched yet can be matched by hand.", "Nur eine eingegangene, noch nicht zugeordnete Zahlung kann von Hand zugeordnet werden.";
    Disconnect => "Disconnect", "Trennen";
    DisconnectTitle => "Disconnect this connection?", "Diese Verbindung trennen?";
    DisconnectHelp => "ING is asked to withdraw this software's access to the accounts below, and the stored bank tokens are deleted. The accounts, their transactions and matches stay here but no longer sync. You can connect again at any time.", "ING wird gebeten, den Zugriff dieser Software auf die Konten unten zu widerrufen, und die gespeicherten Bank-Tokens werden gelöscht. Konten, Umsätze und Zuordnungen bleiben hier, werden aber nicht mehr abgerufen. Sie können jederzeit neu verbinden.";
    DisconnectYes => "Yes, disconnect", "Ja, trennen";
    Disconnected => "Disconnected: ING withdrew the access and the bank tokens are deleted.", "Getrennt: ING hat den Zugriff widerrufen, die Bank-Tokens sind gelöscht.";
    DisconnectedNothing => "Disconnected: the bank tokens are deleted (the bank held no lasting access any more).", "Getrennt: die Bank-Tokens sind gelöscht (die Bank hatte keinen dauerhaften Zugriff mehr).";
    DisconnectedNotReached => "Disconnected here and the bank tokens are deleted, but ING could not be reached to withdraw the access. Also withdraw the consent in your ING banking app.", "Hier getrennt und die Bank-Tokens gelöscht, aber ING war nicht erreichbar, um den Zugriff zu widerrufen. Bitte die Zustimmung auch in der ING-Banking-App widerrufen.";
    RunRunning => "still running", "läuft noch";
    RunSucceeded => "completed", "erfolgreich";
    RunFailed => "failed", "fehlgeschlagen";
    RunRateLimited => "stopped by the bank's request limit", "vom Abruflimit der Bank gestoppt";
    RunConsentExpired => "consent expired", "Zustimmung abgelaufen";
    RunAborted => "aborted (the process stopped)", "abgebrochen (Prozess beendet)";
    RunCounts => "{fetched} fetched, {imported} new, {skipped} known", "{fetched} abgerufen, {imported} neu, {skipped} bekannt";
    TechnicalDetail => "technical detail", "technisches Detail";
    BalClosingAvailable => "available (end of previous day)", "verfügbar (Vortagesende)";
    BalClosingBooked => "booked (end of previous day)", "gebucht (Vortagesende)";
    BalExpected => "expected (with pending)", "erwartet (mit vorgemerkten)";
    BalInformation => "for information", "zur Information";
    BalInterimAvailable => "available now", "jetzt verfügbar";
    BalInterimBooked => "booked today", "heute gebucht";
    BalPreviouslyClosedBooked => "booked (end of previous period)", "gebucht (Ende der Vorperiode)";
    BalOpeningBooked => "opening balance", "Eröffnungssaldo";
    BalForwardAvailable => "available in future", "künftig verfügbar";
    BalNonInvoiced => "card payments not yet invoiced", "noch nicht abgerechnete Kartenzahlungen";
    BalOther => "other balance ({type})", "anderer Saldo ({type})";
    BookSuperseded => "pending, replaced by its booking", "vorgemerkt, durch die Buchung ersetzt";
    BookExpired => "pending, no longer listed by the bank", "vorgemerkt, von der Bank nicht mehr gelistet";
    InvPaid => "paid", "bezahlt";
    InvPartiallyPaid => "partly paid", "teilweise bezahlt";
    InvCancelled => "cancelled", "storniert";
    SessionExpired => "The form was too old. Please try again.", "Das Formular war zu alt. Bitte erneut versuchen.";
    Statements => "Statements", "Kontoauszüge";
    StatementsHelp => "Accounts at other banks are fed by statement files: camt.053/052, MT940/942, or the CSV export of ING, Sparkasse, Volksbank, Deutsche Bank, Commerzbank or Rabobank. A file imported twice adds nothing; a file that cannot be read stores nothing.", "Konten bei anderen Banken werden mit Kontoauszugsdateien gefüllt: camt.053/052, MT940/942 oder der CSV-Export von ING, Sparkasse, Volksbank, Deutscher Bank, Commerzbank oder Rabobank. Eine zweimal importierte Datei fügt nichts hinzu; eine unlesbare Datei speichert nichts.";
    NewFileAccount => "Add an account fed by files", "Konto für Auszugsdateien anlegen";
    AccountName => "Account name", "Kontoname";
    CreateAccount => "Add account", "Konto anlegen";
    AccountCreated => "Account {name} added.", "Konto {name} angelegt.";
    AccountExists => "An account with this IBAN and currency exists already ({name}); files feed that one.", "Ein Konto mit dieser IBAN und Währung gibt es schon ({name}); Dateien fließen in dieses Konto.";
    NoAccounts => "No accounts yet: add one above, or connect ING on the accounts page.", "Noch keine Konten: oben eines anlegen oder auf der Kontenseite ING verbinden.";
    ImportStatement => "Import a statement file", "Kontoauszugsdatei importieren";
    StatementFile => "File", "Datei";
    FileFormat => "Format", "Format";
    FormatDetect => "detect from the content", "am Inhalt erkennen";
    Import => "Import", "Importieren";
    Importing => "Importing…", "Wird importiert…";
    ImportDone => "Statement file imported", "Kontoauszugsdatei importiert";
    ImportRefused => "The file was not imported (nothing was stored):", "Die Datei wurde nicht importiert (nichts gespeichert):";
    CFormat => "Format read", "Gelesenes Format";
    CEntries => "Entries read", "Gelesene Buchungen";
    CImported => "New", "Neu";
    CKnown => "Already known", "Schon bekannt";
    CUpdated => "Updated", "Aktualisiert";
    CPending => "Pending", "Vorgemerkt";
    CMatched => "Matched to invoices", "Rechnungen zugeordnet";
    CSuggested => "With suggestions to review", "Mit Vorschlägen zur Prüfung";
    ExportStatement => "Download a statement", "Kontoauszug herunterladen";
    Download => "Download", "Herunterladen";
    CsvComma => "CSV (decimal comma)", "CSV (Dezimalkomma)";
    CsvPoint => "CSV (decimal point)", "CSV (Dezimalpunkt)";
    DatevExport => "DATEV export of matched payments", "DATEV-Export der zugeordneten Zahlungen";
    DatevHelp => "A DATEV Buchungsstapel (EXTF 700) of the payments matched to invoices, for your tax adviser: the bank account against the customer's debtor account or receivables, the invoice number as document number. Consultant and client numbers come from the server's PSD2_DATEV_* settings.", "Ein DATEV-Buchungsstapel (EXTF 700) der Rechnungen zugeordneten Zahlungen für Ihre Steuerberatung: Bankkonto gegen das Debitorenkonto des Kunden oder die Forderungen, die Rechnungsnummer als Belegfeld 1. Berater- und Mandantennummer kommen aus den PSD2_DATEV_*-Einstellungen des Servers.";
    DownloadFailed => "The file could not be made:", "Die Datei konnte nicht erstellt werden:";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(accept: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::ACCEPT_LANGUAGE, accept.parse().unwrap());
        Lang::from_headers(&h)
    }

    #[test]
    fn the_browsers_first_known_language_wins() {
        assert_eq!(lang("de-DE,de;q=0.9,en;q=0.8"), Lang::De);
        assert_eq!(lang("fr-FR,de;q=0.5"), Lang::De);
        assert_eq!(lang("en-GB,de;q=0.5"), Lang::En);
        assert_eq!(lang("nl"), Lang::En);
        assert_eq!(Lang::De.t(Key::SyncNow), "Jetzt abrufen");
    }
}
