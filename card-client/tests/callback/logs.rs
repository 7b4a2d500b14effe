//! Captures `tracing` events, to check what a refusal logs.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Level, Metadata, Subscriber};

#[derive(Debug, Clone)]
pub struct Line {
    pub level: Level,
    pub text: String,
}

#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<Line>>>);

impl Logs {
    /// Captures the events of this thread until the guard is dropped (the tests run on a
    /// current-thread runtime, so spawned tasks log here too).
    pub fn capture() -> (Logs, DefaultGuard) {
        let logs = Logs::default();
        let guard = tracing::subscriber::set_default(logs.clone());
        (logs, guard)
    }

    pub fn lines(&self) -> Vec<Line> {
        self.0.lock().unwrap().clone()
    }

    pub fn at_least(&self, level: Level) -> Vec<Line> {
        self.lines()
            .into_iter()
            .filter(|l| l.level <= level)
            .collect()
    }
}

struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            self.0.push_str(&format!("{value:?}"));
        } else {
            self.0.push_str(&format!("{}={value:?}", field.name()));
        }
    }
}

impl Subscriber for Logs {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = Text(String::new());
        event.record(&mut text);
        self.0.lock().unwrap().push(Line {
            level: *event.metadata().level(),
            text: text.0,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
