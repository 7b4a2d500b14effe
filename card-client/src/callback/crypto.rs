//! Feishu's transport security for callbacks: the SHA-256 signature and the AES-256-CBC body
//! encryption (spec `feishu-openapi.md` §5.2).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::CallbackError;

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;
type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;

const BLOCK: usize = 16;

/// The `X-Lark-Signature` Feishu sends with a callback: lowercase hex of
/// `SHA-256(timestamp ‖ nonce ‖ encrypt_key ‖ body)`.
///
/// A plain hash of the concatenation, not an HMAC, over the raw body bytes as they arrived.
/// [`CallbackHandler`](super::CallbackHandler) checks it for you; this function is for tests and
/// emulators that play Feishu.
///
/// ```
/// use card_client::callback::signature;
///
/// let sig = signature("1700000000", "nonce-1", "my-encrypt-key", br#"{"encrypt":"..."}"#);
/// assert_eq!(sig.len(), 64);
/// assert!(sig.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
/// ```
pub fn signature(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    hex(&digest(timestamp, nonce, encrypt_key, body))
}

fn digest(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(encrypt_key.as_bytes());
    hasher.update(body);
    hasher.finalize().into()
}

/// Whether `given` (the `X-Lark-Signature` header, hex in either case) is the signature of the
/// rest; the comparison takes the same time wherever the first difference is.
pub(crate) fn signature_matches(
    timestamp: &str,
    nonce: &str,
    encrypt_key: &str,
    body: &[u8],
    given: &str,
) -> bool {
    let expected = digest(timestamp, nonce, encrypt_key, body);
    match unhex32(given.trim()) {
        Some(given) => bool::from(expected.ct_eq(&given)),
        None => false,
    }
}

/// Compares two secrets without leaking where they differ through timing.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn key(encrypt_key: &str) -> [u8; 32] {
    Sha256::digest(encrypt_key.as_bytes()).into()
}

/// Decrypts the `encrypt` field of a callback body: base64 (standard alphabet) of a 16-byte IV
/// followed by AES-256-CBC ciphertext with PKCS#7 padding, under the key
/// `SHA-256(encrypt_key)`.
///
/// ```
/// use card_client::callback::decrypt;
///
/// // The example of Feishu's encryption guide.
/// let plain = decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=").unwrap();
/// assert_eq!(plain, b"hello world");
/// ```
///
/// # Errors
///
/// [`CallbackError::BadBase64`], [`CallbackError::BadCiphertext`] (not an IV and whole
/// blocks), [`CallbackError::BadPadding`] (most often: the wrong encrypt key).
pub fn decrypt(encrypt_key: &str, encrypted: &str) -> Result<Vec<u8>, CallbackError> {
    let blob = STANDARD
        .decode(encrypted.trim())
        .map_err(|_| CallbackError::BadBase64)?;
    if blob.len() < 2 * BLOCK || blob.len() % BLOCK != 0 {
        return Err(CallbackError::BadCiphertext { len: blob.len() });
    }
    let (iv, ciphertext) = blob.split_at(BLOCK);
    let cipher = Aes256CbcDec::new_from_slices(&key(encrypt_key), iv)
        .map_err(|_| CallbackError::BadCiphertext { len: blob.len() })?;
    cipher
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| CallbackError::BadPadding)
}

/// Encrypts a callback body the way Feishu does, with the given IV: the value of the
/// `{"encrypt": …}` field. The inverse of [`decrypt`].
///
/// For tests and emulators that play Feishu. Each message must get a fresh, unpredictable IV.
///
/// ```
/// use card_client::callback::{decrypt, encrypt};
///
/// let sealed = encrypt("my-encrypt-key", br#"{"type":"url_verification"}"#, [7; 16]);
/// assert_eq!(decrypt("my-encrypt-key", &sealed).unwrap(), br#"{"type":"url_verification"}"#);
/// ```
pub fn encrypt(encrypt_key: &str, plaintext: &[u8], iv: [u8; 16]) -> String {
    let cipher = Aes256CbcEnc::new(&key(encrypt_key).into(), &iv.into());
    let mut blob = iv.to_vec();
    blob.extend(cipher.encrypt_padded_vec::<Pkcs7>(plaintext));
    STANDARD.encode(blob)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypts_the_example_of_feishus_guide() {
        assert_eq!(
            decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=").unwrap(),
            b"hello world"
        );
    }

    #[test]
    fn signature_is_sha256_of_the_concatenation() {
        // sha256("") is the well-known e3b0c442… digest.
        assert_eq!(
            signature("", "", "", b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            signature("1", "2", "3", b"4"),
            signature("", "", "", b"1234")
        );
    }

    #[test]
    fn signature_check_accepts_either_case_and_nothing_else() {
        let sig = signature("1700000000", "n", "k", b"{}");
        assert!(signature_matches("1700000000", "n", "k", b"{}", &sig));
        assert!(signature_matches(
            "1700000000",
            "n",
            "k",
            b"{}",
            &sig.to_uppercase()
        ));
        assert!(!signature_matches("1700000001", "n", "k", b"{}", &sig));
        assert!(!signature_matches(
            "1700000000",
            "n",
            "k",
            b"{}",
            &sig[..63]
        ));
        assert!(!signature_matches("1700000000", "n", "k", b"{}", "zz"));
    }

    #[test]
    fn short_or_ragged_ciphertexts_are_refused_before_decrypting() {
        let short = STANDARD.encode([0u8; 16]);
        assert_eq!(
            decrypt("k", &short),
            Err(CallbackError::BadCiphertext { len: 16 })
        );
        let ragged = STANDARD.encode([0u8; 40]);
        assert_eq!(
            decrypt("k", &ragged),
            Err(CallbackError::BadCiphertext { len: 40 })
        );
        assert_eq!(decrypt("k", "not base64!"), Err(CallbackError::BadBase64));
    }
}
