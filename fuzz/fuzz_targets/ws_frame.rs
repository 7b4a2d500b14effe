//! The long connection's frames: protobuf decoding, reassembly of split payloads, event
//! parsing and the acknowledgement must take any bytes without a panic, and reassembly must
//! stay within its limits.
//!
//! The input is a sequence of messages, each a one-byte clock step (in 100 ms), a two-byte
//! little-endian length, then that many bytes of one WebSocket message.

#![no_main]

use std::time::Duration;

use card_client::ws::frame::{Acknowledgement, Frame};
use card_client::ws::{Event, Limits, Reassembler};
use libfuzzer_sys::fuzz_target;
use tokio::time::Instant;

fn limits() -> Limits {
    Limits::default()
        .ttl(Duration::from_secs(10))
        .max_parts(16)
        .max_message_bytes(4096)
        .max_pending_bytes(8192)
        .max_pending_messages(8)
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let mut parts = Reassembler::new(limits);
    let mut now = Instant::now();
    let mut rest = data;
    while rest.len() >= 3 {
        now += Duration::from_millis(100) * u32::from(rest[0]);
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]])).min(rest.len() - 3);
        let message = &rest[3..3 + len];
        rest = &rest[3 + len..];

        let Ok(mut frame) = Frame::decode_bytes(message) else {
            continue;
        };
        // Whatever decodes encodes again to a frame that decodes the same.
        let again = Frame::decode_bytes(&frame.encode_bytes()).expect("re-encoded frame");
        assert_eq!(again, frame);
        let _ = frame.frame_type();
        if !frame.is_data() {
            continue;
        }
        let result = parts.push_frame(&mut frame, now);
        assert!(parts.pending_bytes() <= limits.max_pending_bytes);
        assert!(parts.pending_messages() <= limits.max_pending_messages);
        let Ok(Some(whole)) = result else {
            continue;
        };
        assert!(whole.payload.len() <= limits.max_message_bytes);
        assert!(whole.parts >= 1 && whole.parts <= limits.max_parts);
        if let Ok(event) = Event::from_slice(&whole.payload) {
            assert!(!event.event_type().is_empty());
            let _ = event.message();
        }
        let ack = frame.acknowledgement(
            Duration::from_millis(1),
            &Acknowledgement::ok(Some(&whole.payload)),
        );
        let read = Frame::decode_bytes(&ack.encode_bytes()).expect("an acknowledgement decodes");
        let answer: Acknowledgement =
            serde_json::from_slice(read.payload.as_deref().unwrap_or_default()).expect("ack JSON");
        assert_eq!(answer.answer().map(|a| a.ok()), Some(Some(whole.payload)));
    }
    parts.expire(now + limits.ttl);
    assert_eq!((parts.pending_messages(), parts.pending_bytes()), (0, 0));
});
