//! Putting split payloads back together: a data frame may carry one part of a payload, with
//! headers `sum` (how many parts), `seq` (which part, from 0) and `message_id`.
//!
//! The parts come from the network, so nothing about them is trusted: a part with a missing,
//! zero, huge or inconsistent `sum`, a `seq` out of range or already received, is refused with
//! a [`ReassemblyError`]; parts of a payload that does not complete in time are dropped; the
//! number of payloads being assembled and the bytes they hold are capped.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::frame::{Frame, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM};

/// The limits of a [`Reassembler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long the parts of an incomplete payload are kept.
    pub ttl: Duration,
    /// The largest `sum` accepted.
    pub max_parts: usize,
    /// The largest payload, all parts together, in bytes.
    pub max_message_bytes: usize,
    /// The most bytes held by incomplete payloads together.
    pub max_pending_bytes: usize,
    /// The most payloads being assembled at once.
    pub max_pending_messages: usize,
}

impl Default for Limits {
    /// 10 s, 64 parts, 4 MiB per payload, 16 MiB and 256 payloads in all.
    fn default() -> Self {
        Limits {
            ttl: Duration::from_secs(10),
            max_parts: 64,
            max_message_bytes: 4 * 1024 * 1024,
            max_pending_bytes: 16 * 1024 * 1024,
            max_pending_messages: 256,
        }
    }
}

impl Limits {
    /// Keeps incomplete payloads for `ttl`.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Accepts at most `parts` parts per payload (at least 1).
    pub fn max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts.max(1);
        self
    }

    /// Accepts payloads of at most `bytes` bytes.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Holds at most `bytes` bytes of incomplete payloads.
    pub fn max_pending_bytes(mut self, bytes: usize) -> Self {
        self.max_pending_bytes = bytes;
        self
    }

    /// Assembles at most `messages` payloads at once.
    pub fn max_pending_messages(mut self, messages: usize) -> Self {
        self.max_pending_messages = messages;
        self
    }
}

/// Why a part was refused. The part is dropped; a payload it belonged to may be dropped too
/// (said on each variant).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReassemblyError {
    /// `sum` or `seq` is not a non-negative integer.
    #[error("the `{header}` header {value:?} is not a number")]
    NotANumber {
        /// `sum` or `seq`.
        header: &'static str,
        /// What it says.
        value: String,
    },
    /// `sum` is 0 or above the limit.
    #[error("`sum` {sum} is out of range (1 to {max})")]
    BadSum {
        /// The `sum` given.
        sum: u64,
        /// The largest accepted.
        max: usize,
    },
    /// `seq` is not below `sum`.
    #[error("`seq` {seq} is out of range for `sum` {sum}")]
    BadSeq {
        /// The `seq` given.
        seq: u64,
        /// The payload's `sum`.
        sum: usize,
    },
    /// A part of a split payload has no `message_id`, or no `seq`.
    #[error("a part of a split payload has no `{header}` header")]
    MissingHeader {
        /// The missing header.
        header: &'static str,
    },
    /// This part was already received; the payload is kept.
    #[error("part {seq} of message {message_id} arrived twice")]
    Duplicate {
        /// The message.
        message_id: String,
        /// The part.
        seq: usize,
    },
    /// The part's `sum` differs from the first part's; the payload is kept.
    #[error("message {message_id} said {first} parts, then {now}")]
    InconsistentSum {
        /// The message.
        message_id: String,
        /// What the first part said.
        first: usize,
        /// What this part says.
        now: usize,
    },
    /// The payload would grow over [`Limits::max_message_bytes`]; it is dropped.
    #[error("message {message_id} is over the {limit}-byte limit: dropped")]
    MessageTooLarge {
        /// The message.
        message_id: String,
        /// The limit.
        limit: usize,
    },
    /// Too many payloads or bytes are being assembled; the part is dropped.
    #[error(
        "too many incomplete messages are held ({messages} messages, {bytes} bytes): part dropped"
    )]
    Full {
        /// How many payloads are being assembled.
        messages: usize,
        /// How many bytes they hold.
        bytes: usize,
    },
}

/// A whole payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complete {
    /// The payload's bytes, parts in order.
    pub payload: Vec<u8>,
    /// When its first part arrived.
    pub first_seen: Instant,
    /// How many parts it came in.
    pub parts: usize,
}

#[derive(Debug)]
struct Pending {
    parts: Vec<Option<Vec<u8>>>,
    received: usize,
    bytes: usize,
    first_seen: Instant,
}

/// Collects the parts of split payloads by `message_id` and gives each payload back whole.
///
/// ```
/// use card_client::ws::{frame::Frame, Reassembler};
/// use tokio::time::Instant;
///
/// let mut parts = Reassembler::default();
/// let now = Instant::now();
/// assert_eq!(parts.push(Some("m1"), Some("2"), Some("1"), b"world".to_vec(), now), Ok(None));
/// let whole = parts.push(Some("m1"), Some("2"), Some("0"), b"hello ".to_vec(), now).unwrap().unwrap();
/// assert_eq!(whole.payload, b"hello world");
///
/// // A payload in one frame (no `sum`, or `sum` 1) comes straight back.
/// let one = parts.push(None, None, None, b"{}".to_vec(), now).unwrap().unwrap();
/// assert_eq!(one.payload, b"{}");
///
/// // `seq` must be below `sum`.
/// assert!(parts.push(Some("m2"), Some("2"), Some("2"), Vec::new(), now).is_err());
/// ```
#[derive(Debug, Default)]
pub struct Reassembler {
    limits: Limits,
    pending: HashMap<String, Pending>,
    pending_bytes: usize,
}

impl Reassembler {
    /// An empty reassembler with `limits`.
    pub fn new(limits: Limits) -> Self {
        Reassembler {
            limits,
            pending: HashMap::new(),
            pending_bytes: 0,
        }
    }

    /// Takes the payload of a data frame, reading `message_id`, `sum` and `seq` from its
    /// headers; see [`Reassembler::push`].
    ///
    /// # Errors
    ///
    /// As [`Reassembler::push`].
    pub fn push_frame(
        &mut self,
        frame: &mut Frame,
        now: Instant,
    ) -> Result<Option<Complete>, ReassemblyError> {
        let payload = frame.payload.take().unwrap_or_default();
        let message_id = frame.header(HEADER_MESSAGE_ID);
        let sum = frame.header(HEADER_SUM);
        let seq = frame.header(HEADER_SEQ);
        self.push(message_id, sum, seq, payload, now)
    }

    /// Takes one part: `Ok(Some(..))` when its payload is now whole (or was never split),
    /// `Ok(None)` when parts are still missing. Parts older than the time limit are dropped
    /// first.
    ///
    /// # Errors
    ///
    /// [`ReassemblyError`] for a part that cannot belong to a well-formed payload, or that
    /// does not fit within the [`Limits`].
    pub fn push(
        &mut self,
        message_id: Option<&str>,
        sum: Option<&str>,
        seq: Option<&str>,
        payload: Vec<u8>,
        now: Instant,
    ) -> Result<Option<Complete>, ReassemblyError> {
        self.expire(now);
        let sum = match sum {
            None => 1,
            Some(value) => number(HEADER_SUM, value)?,
        };
        if sum == 0 || sum > self.limits.max_parts as u64 {
            return Err(ReassemblyError::BadSum {
                sum,
                max: self.limits.max_parts,
            });
        }
        // Bounded by max_parts just above.
        let sum = sum as usize;
        let seq = match seq {
            None if sum == 1 => 0,
            None => return Err(ReassemblyError::MissingHeader { header: HEADER_SEQ }),
            Some(value) => number(HEADER_SEQ, value)?,
        };
        if seq >= sum as u64 {
            return Err(ReassemblyError::BadSeq { seq, sum });
        }
        let seq = seq as usize;
        if sum == 1 {
            if payload.len() > self.limits.max_message_bytes {
                return Err(ReassemblyError::MessageTooLarge {
                    message_id: message_id.unwrap_or_default().to_owned(),
                    limit: self.limits.max_message_bytes,
                });
            }
            return Ok(Some(Complete {
                payload,
                first_seen: now,
                parts: 1,
            }));
        }
        let Some(message_id) = message_id.filter(|id| !id.is_empty()) else {
            return Err(ReassemblyError::MissingHeader {
                header: HEADER_MESSAGE_ID,
            });
        };
        if !self.pending.contains_key(message_id) {
            if self.pending.len() >= self.limits.max_pending_messages {
                return Err(self.full());
            }
            self.pending.insert(
                message_id.to_owned(),
                Pending {
                    parts: vec![None; sum],
                    received: 0,
                    bytes: 0,
                    first_seen: now,
                },
            );
        }
        let limits = self.limits;
        let pending_bytes = self.pending_bytes;
        let Some(entry) = self.pending.get_mut(message_id) else {
            return Ok(None);
        };
        if entry.parts.len() != sum {
            return Err(ReassemblyError::InconsistentSum {
                message_id: message_id.to_owned(),
                first: entry.parts.len(),
                now: sum,
            });
        }
        if entry.parts[seq].is_some() {
            return Err(ReassemblyError::Duplicate {
                message_id: message_id.to_owned(),
                seq,
            });
        }
        if entry.bytes + payload.len() > limits.max_message_bytes {
            self.drop_message(message_id);
            return Err(ReassemblyError::MessageTooLarge {
                message_id: message_id.to_owned(),
                limit: limits.max_message_bytes,
            });
        }
        if pending_bytes + payload.len() > limits.max_pending_bytes {
            let error = self.full();
            if self
                .pending
                .get(message_id)
                .is_some_and(|p| p.received == 0)
            {
                self.drop_message(message_id);
            }
            return Err(error);
        }
        entry.bytes += payload.len();
        entry.received += 1;
        self.pending_bytes += payload.len();
        entry.parts[seq] = Some(payload);
        if entry.received < sum {
            return Ok(None);
        }
        let Some(done) = self.pending.remove(message_id) else {
            return Ok(None);
        };
        self.pending_bytes -= done.bytes;
        let mut whole = Vec::with_capacity(done.bytes);
        for part in done.parts.into_iter().flatten() {
            whole.extend_from_slice(&part);
        }
        Ok(Some(Complete {
            payload: whole,
            first_seen: done.first_seen,
            parts: sum,
        }))
    }

    /// Drops the parts of payloads whose first part arrived a time limit or more before
    /// `now`; returns how many payloads were dropped.
    pub fn expire(&mut self, now: Instant) -> usize {
        let ttl = self.limits.ttl;
        let expired: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, p)| now.saturating_duration_since(p.first_seen) >= ttl)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &expired {
            tracing::warn!(
                message_id = %id,
                "the parts of a split message did not all arrive in time: dropped"
            );
            self.drop_message(id);
        }
        expired.len()
    }

    /// How many payloads are being assembled.
    pub fn pending_messages(&self) -> usize {
        self.pending.len()
    }

    /// How many bytes incomplete payloads hold.
    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn drop_message(&mut self, message_id: &str) {
        if let Some(p) = self.pending.remove(message_id) {
            self.pending_bytes -= p.bytes;
        }
    }

    fn full(&self) -> ReassemblyError {
        ReassemblyError::Full {
            messages: self.pending.len(),
            bytes: self.pending_bytes,
        }
    }
}

fn number(header: &'static str, value: &str) -> Result<u64, ReassemblyError> {
    value
        .trim()
        .parse::<u64>()
        .map_err(|_| ReassemblyError::NotANumber {
            header,
            value: value.chars().take(32).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(
        r: &mut Reassembler,
        id: &str,
        sum: usize,
        seq: usize,
        bytes: &[u8],
        now: Instant,
    ) -> Result<Option<Complete>, ReassemblyError> {
        r.push(
            Some(id),
            Some(&sum.to_string()),
            Some(&seq.to_string()),
            bytes.to_vec(),
            now,
        )
    }

    #[test]
    fn parts_in_order_make_the_payload() {
        let mut r = Reassembler::default();
        let now = Instant::now();
        assert_eq!(part(&mut r, "m", 3, 0, b"ab", now), Ok(None));
        assert_eq!(part(&mut r, "m", 3, 1, b"cd", now), Ok(None));
        assert_eq!(r.pending_bytes(), 4);
        let whole = part(&mut r, "m", 3, 2, b"e", now).unwrap().unwrap();
        assert_eq!(whole.payload, b"abcde");
        assert_eq!(whole.parts, 3);
        assert_eq!((r.pending_messages(), r.pending_bytes()), (0, 0));
    }

    #[test]
    fn parts_out_of_order_and_interleaved_messages() {
        let mut r = Reassembler::default();
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(part(&mut r, "a", 3, 2, b"3", t0), Ok(None));
        assert_eq!(part(&mut r, "b", 2, 1, b"y", t0), Ok(None));
        assert_eq!(part(&mut r, "a", 3, 0, b"1", t1), Ok(None));
        let b = part(&mut r, "b", 2, 0, b"x", t1).unwrap().unwrap();
        assert_eq!(b.payload, b"xy");
        let a = part(&mut r, "a", 3, 1, b"2", t1).unwrap().unwrap();
        assert_eq!(a.payload, b"123");
        assert_eq!(a.first_seen, t0, "the deadline counts from the first part");
    }

    #[test]
    fn a_single_frame_needs_no_message_id() {
        let mut r = Reassembler::default();
        let now = Instant::now();
        let one = r
            .push(None, None, None, b"{}".to_vec(), now)
            .unwrap()
            .unwrap();
        assert_eq!(one.payload, b"{}");
        let one = r
            .push(None, Some("1"), Some("0"), b"x".to_vec(), now)
            .unwrap()
            .unwrap();
        assert_eq!(one.payload, b"x");
        assert_eq!(r.pending_messages(), 0);
    }

    #[test]
    fn duplicates_are_refused_and_the_message_still_completes() {
        let mut r = Reassembler::default();
        let now = Instant::now();
        assert_eq!(part(&mut r, "m", 2, 0, b"a", now), Ok(None));
        assert_eq!(
            part(&mut r, "m", 2, 0, b"zzz", now),
            Err(ReassemblyError::Duplicate {
                message_id: "m".into(),
                seq: 0
            })
        );
        assert_eq!(r.pending_bytes(), 1, "the duplicate is not kept");
        let whole = part(&mut r, "m", 2, 1, b"b", now).unwrap().unwrap();
        assert_eq!(whole.payload, b"ab");
    }

    #[test]
    fn bad_sum_and_seq_are_refused() {
        let mut r = Reassembler::default();
        let now = Instant::now();
        let push = |r: &mut Reassembler, id: Option<&str>, sum: Option<&str>, seq: Option<&str>| {
            r.push(id, sum, seq, b"x".to_vec(), now)
        };
        assert!(matches!(
            push(&mut r, Some("m"), Some("0"), Some("0")),
            Err(ReassemblyError::BadSum { sum: 0, .. })
        ));
        assert!(matches!(
            push(&mut r, Some("m"), Some("18446744073709551615"), Some("0")),
            Err(ReassemblyError::BadSum { .. })
        ));
        assert!(matches!(
            push(
                &mut r,
                Some("m"),
                Some("99999999999999999999999"),
                Some("0")
            ),
            Err(ReassemblyError::NotANumber { header: "sum", .. })
        ));
        assert!(matches!(
            push(&mut r, Some("m"), Some("-2"), Some("0")),
            Err(ReassemblyError::NotANumber { header: "sum", .. })
        ));
        assert!(matches!(
            push(&mut r, Some("m"), Some("3"), Some("3")),
            Err(ReassemblyError::BadSeq { seq: 3, sum: 3 })
        ));
        assert!(matches!(
            push(&mut r, Some("m"), Some("3"), Some("x")),
            Err(ReassemblyError::NotANumber { header: "seq", .. })
        ));
        assert!(matches!(
            push(&mut r, Some("m"), Some("3"), None),
            Err(ReassemblyError::MissingHeader { header: "seq" })
        ));
        assert!(matches!(
            push(&mut r, None, Some("3"), Some("0")),
            Err(ReassemblyError::MissingHeader {
                header: "message_id"
            })
        ));
        assert!(matches!(
            push(&mut r, Some(""), Some("3"), Some("0")),
            Err(ReassemblyError::MissingHeader {
                header: "message_id"
            })
        ));
        assert_eq!(r.pending_messages(), 0, "no refused part is kept");
        assert_eq!(push(&mut r, Some("m"), Some("2"), Some("0")), Ok(None));
        assert_eq!(
            push(&mut r, Some("m"), Some("3"), Some("1")),
            Err(ReassemblyError::InconsistentSum {
                message_id: "m".into(),
                first: 2,
                now: 3
            })
        );
        assert_eq!(r.pending_bytes(), 1);
    }

    #[test]
    fn incomplete_messages_expire() {
        let mut r = Reassembler::new(Limits::default().ttl(Duration::from_secs(10)));
        let t0 = Instant::now();
        assert_eq!(part(&mut r, "old", 2, 0, b"a", t0), Ok(None));
        assert_eq!(r.expire(t0 + Duration::from_secs(9)), 0);
        // A part arriving after the time limit starts over: the old part is gone.
        let late = t0 + Duration::from_secs(10);
        assert_eq!(part(&mut r, "old", 2, 1, b"b", late), Ok(None));
        assert_eq!(r.pending_messages(), 1);
        assert_eq!(r.pending_bytes(), 1);
        assert_eq!(r.expire(late + Duration::from_secs(10)), 1);
        assert_eq!((r.pending_messages(), r.pending_bytes()), (0, 0));
    }

    #[test]
    fn memory_is_capped() {
        let limits = Limits::default()
            .max_parts(4)
            .max_message_bytes(10)
            .max_pending_bytes(15)
            .max_pending_messages(2);
        let mut r = Reassembler::new(limits);
        let now = Instant::now();
        assert!(matches!(
            part(&mut r, "m", 5, 0, b"", now),
            Err(ReassemblyError::BadSum { sum: 5, max: 4 })
        ));
        assert!(matches!(
            r.push(None, None, None, vec![0; 11], now),
            Err(ReassemblyError::MessageTooLarge { .. })
        ));
        // One message over its own limit is dropped whole.
        assert_eq!(part(&mut r, "big", 2, 0, &[0; 6], now), Ok(None));
        assert!(matches!(
            part(&mut r, "big", 2, 1, &[0; 5], now),
            Err(ReassemblyError::MessageTooLarge { .. })
        ));
        assert_eq!((r.pending_messages(), r.pending_bytes()), (0, 0));
        // The total is capped across messages.
        assert_eq!(part(&mut r, "a", 2, 0, &[0; 9], now), Ok(None));
        assert_eq!(part(&mut r, "b", 2, 0, &[0; 5], now), Ok(None));
        assert!(matches!(
            part(&mut r, "b", 2, 1, &[0; 5], now),
            Err(ReassemblyError::Full { .. })
        ));
        assert!(matches!(
            part(&mut r, "c", 2, 0, b"", now),
            Err(ReassemblyError::Full { messages: 2, .. })
        ));
        assert!(r.pending_bytes() <= 15);
        assert_eq!(r.pending_messages(), 2);
        // Once a message completes, room comes back.
        let a = part(&mut r, "a", 2, 1, b"", now).unwrap().unwrap();
        assert_eq!(a.payload.len(), 9);
        assert_eq!(part(&mut r, "c", 2, 0, b"", now), Ok(None));
    }

    #[test]
    fn push_frame_reads_the_headers() {
        use crate::ws::frame::{FrameType, METHOD_DATA};
        let mut r = Reassembler::default();
        let now = Instant::now();
        let mut frames: Vec<Frame> = (0..2)
            .map(|seq| {
                let mut f = Frame::control(1, FrameType::Event, Some(vec![b'a' + seq as u8]));
                f.method = METHOD_DATA;
                f.set_header(HEADER_MESSAGE_ID, "m");
                f.set_header(HEADER_SUM, "2");
                f.set_header(HEADER_SEQ, seq.to_string());
                f
            })
            .collect();
        assert_eq!(r.push_frame(&mut frames[1], now), Ok(None));
        let whole = r.push_frame(&mut frames[0], now).unwrap().unwrap();
        assert_eq!(whole.payload, b"ab");
    }
}
