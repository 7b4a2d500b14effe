//! A PNG reader for the screenshots of the browser test: 8-bit RGB or RGBA, not interlaced,
//! which is what Chromium writes. Small enough to keep here rather than add an image crate to
//! the workspace for one test.

/// A decoded image: `width × height` pixels as `[r, g, b, a]`.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<[u8; 4]>,
}

impl Image {
    /// The pixel at (`x`, `y`).
    pub fn at(&self, x: usize, y: usize) -> [u8; 4] {
        self.pixels[y * self.width + x]
    }
}

/// Decodes a PNG file.
pub fn decode(bytes: &[u8]) -> Result<Image, String> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or("not a PNG file: no signature")?;
    let mut header = None;
    let mut data = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let body = rest.get(8..8 + len).ok_or("truncated chunk")?;
        match kind {
            b"IHDR" => header = Some(body.to_vec()),
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        rest = rest.get(12 + len..).ok_or("truncated chunk")?;
    }
    let header = header.ok_or("no IHDR chunk")?;
    if header.len() < 13 {
        return Err("short IHDR chunk".into());
    }
    let width = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let height = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
    let (depth, color, interlace) = (header[8], header[9], header[12]);
    let channels = match (depth, color, interlace) {
        (8, 2, 0) => 3,
        (8, 6, 0) => 4,
        _ => {
            return Err(format!(
                "unsupported PNG: depth {depth}, colour type {color}, interlace {interlace}"
            ))
        }
    };
    let raw = inflate(data.get(2..).ok_or("empty zlib stream")?)?;
    let stride = width * channels;
    if raw.len() < height * (stride + 1) {
        return Err("image data shorter than the image".into());
    }
    let mut image = vec![0u8; height * stride];
    for y in 0..height {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let (filter, line) = (line[0], &line[1..]);
        for x in 0..stride {
            let a = if x >= channels {
                image[y * stride + x - channels]
            } else {
                0
            };
            let b = if y > 0 {
                image[(y - 1) * stride + x]
            } else {
                0
            };
            let c = if x >= channels && y > 0 {
                image[(y - 1) * stride + x - channels]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                other => return Err(format!("unknown PNG filter {other}")),
            };
            image[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    let pixels = image
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2], if channels == 4 { p[3] } else { 255 }])
        .collect();
    Ok(Image {
        width,
        height,
        pixels,
    })
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buffer: u64,
    count: u32,
}

impl Bits<'_> {
    fn take(&mut self, n: u32) -> Result<u32, String> {
        while self.count < n {
            let byte = *self.data.get(self.pos).ok_or("truncated deflate stream")?;
            self.pos += 1;
            self.buffer |= u64::from(byte) << self.count;
            self.count += 8;
        }
        let value = (self.buffer & ((1u64 << n) - 1)) as u32;
        self.buffer >>= n;
        self.count -= n;
        Ok(value)
    }

    /// Drops the bits left of the current byte (before a stored block).
    fn align(&mut self) {
        self.buffer = 0;
        self.count = 0;
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + counts[len];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (symbol, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offsets[l as usize] as usize] = symbol as u16;
                offsets[l as usize] += 1;
            }
        }
        Huffman { counts, symbols }
    }

    fn decode(&self, bits: &mut Bits<'_>) -> Result<u16, String> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = i32::from(self.counts[len]);
            if code - first < count {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err("invalid Huffman code".into())
    }
}

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Inflates a raw deflate stream (RFC 1951).
fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut bits = Bits {
        data,
        pos: 0,
        buffer: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => {
                bits.align();
                let header = data
                    .get(bits.pos..bits.pos + 4)
                    .ok_or("truncated stored block")?;
                let len = usize::from(u16::from_le_bytes([header[0], header[1]]));
                bits.pos += 4;
                let block = data
                    .get(bits.pos..bits.pos + len)
                    .ok_or("truncated stored block")?;
                out.extend_from_slice(block);
                bits.pos += len;
            }
            1 => {
                let mut lengths = [0u8; 288];
                lengths[..144].fill(8);
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[280..].fill(8);
                let literals = Huffman::new(&lengths);
                let distances = Huffman::new(&[5u8; 30]);
                codes(&mut bits, &literals, &distances, &mut out)?;
            }
            2 => {
                let literal_count = bits.take(5)? as usize + 257;
                let distance_count = bits.take(5)? as usize + 1;
                let code_count = bits.take(4)? as usize + 4;
                const ORDER: [usize; 19] = [
                    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                ];
                let mut code_lengths = [0u8; 19];
                for &i in ORDER.iter().take(code_count) {
                    code_lengths[i] = bits.take(3)? as u8;
                }
                let code = Huffman::new(&code_lengths);
                let mut lengths = Vec::with_capacity(literal_count + distance_count);
                while lengths.len() < literal_count + distance_count {
                    match code.decode(&mut bits)? {
                        symbol @ 0..=15 => lengths.push(symbol as u8),
                        16 => {
                            let previous = *lengths.last().ok_or("repeat with no length")?;
                            let n = 3 + bits.take(2)?;
                            lengths.extend(std::iter::repeat_n(previous, n as usize));
                        }
                        17 => {
                            let n = 3 + bits.take(3)?;
                            lengths.extend(std::iter::repeat_n(0, n as usize));
                        }
                        _ => {
                            let n = 11 + bits.take(7)?;
                            lengths.extend(std::iter::repeat_n(0, n as usize));
                        }
                    }
                }
                let literals = Huffman::new(&lengths[..literal_count]);
                let distances = Huffman::new(&lengths[literal_count..]);
                codes(&mut bits, &literals, &distances, &mut out)?;
            }
            _ => return Err("invalid deflate block type".into()),
        }
        if last {
            return Ok(out);
        }
    }
}

fn codes(
    bits: &mut Bits<'_>,
    literals: &Huffman,
    distances: &Huffman,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    loop {
        let symbol = literals.decode(bits)?;
        match symbol {
            0..=255 => out.push(symbol as u8),
            256 => return Ok(()),
            _ => {
                let i = usize::from(symbol - 257);
                let base = *LENGTH_BASE.get(i).ok_or("invalid length code")?;
                let len = usize::from(base) + bits.take(u32::from(LENGTH_EXTRA[i]))? as usize;
                let d = usize::from(distances.decode(bits)?);
                let base = *DIST_BASE.get(d).ok_or("invalid distance code")?;
                let dist = usize::from(base) + bits.take(u32::from(DIST_EXTRA[d]))? as usize;
                let start = out.len().checked_sub(dist).ok_or("distance too far back")?;
                for k in 0..len {
                    out.push(out[start + k]);
                }
            }
        }
    }
}
