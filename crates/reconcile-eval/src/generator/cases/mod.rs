//! The transactions of each scenario, one file per family of cases. Each case adds its open
//! items and its transaction(s) with their label; the order of the random draws inside a case
//! is part of what the seed reproduces.

mod amount_differs;
mod other_payer;
mod outgoing;
mod references;
mod settles_nothing;
mod several_items;
mod without_reference;

use crate::generator::batch_builder::BatchBuilder;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// Adds one case of scenario `s`.
    pub(in crate::generator) fn scenario(&mut self, s: Scenario) {
        match s {
            Scenario::Clean => self.clean(s),
            Scenario::Mangled => self.mangled(s),
            Scenario::Typo => self.typo(s),
            Scenario::Rf => self.rf(s),
            Scenario::EndToEnd => self.end_to_end(s),
            Scenario::NoReference | Scenario::NoReferenceTwin => self.no_reference(s),
            Scenario::NameOnly => self.name_only(s),
            Scenario::Fee => self.fee(s),
            Scenario::CashDiscount => self.cash_discount(s),
            Scenario::MultiNamed => self.multi_named(s),
            Scenario::MultiUnnamed => self.multi_unnamed(s),
            Scenario::Partial => self.partial(s),
            Scenario::Overpayment => self.overpayment(s),
            Scenario::PaymentService => self.payment_service(s),
            Scenario::OtherPayer => self.other_payer(s),
            Scenario::Refund => self.refund(s),
            Scenario::Netting => self.netting(s),
            Scenario::PaidAgain => self.paid_again(s),
            Scenario::Duplicate => self.duplicate(s),
            Scenario::ForeignCurrency => self.foreign_currency(s),
            Scenario::WrongDirection => self.wrong_direction(s),
            Scenario::UnrelatedIncoming => self.unrelated_incoming(s),
            Scenario::UnrelatedOutgoing => self.unrelated_outgoing(s),
        }
    }
}
