//! The typed card model.
