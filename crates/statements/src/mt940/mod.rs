//! SWIFT MT940 and MT942, with the German and Dutch `:86:` forms.

pub(crate) mod field86;
pub(crate) mod read;
pub(crate) mod write;
