//! The runtime validator: checks a card against the registry.
