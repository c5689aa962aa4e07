//! Changes as they happen, for whoever listens: the console's live views
//! now, other nodes later.

use crate::Extension;

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    ExtensionCreated(Extension),
    ExtensionUpdated(Extension),
    ExtensionDeleted { number: String },
}
