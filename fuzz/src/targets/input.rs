//! Structure read from raw fuzz bytes by hand: small numbers, choices, length-prefixed chunks,
//! lines. Every read succeeds (an exhausted input reads as zeros and empty chunks), so a target
//! never has to reject an input and libFuzzer's mutations always reach the code under test.

use std::borrow::Cow;

/// A cursor over the fuzz input.
pub(crate) struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// One byte; 0 once the input is exhausted.
    pub(crate) fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((first, rest)) => {
                self.data = rest;
                *first
            }
            None => 0,
        }
    }

    /// A little-endian `u16` (missing bytes read as 0).
    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian `u64` (missing bytes read as 0).
    pub(crate) fn u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        u64::from_le_bytes(bytes)
    }

    /// One of `choices`, picked by the next byte.
    pub(crate) fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        let i = usize::from(self.byte()) % choices.len();
        choices[i]
    }

    /// A chunk of up to 255 bytes: a length byte, then that many bytes (fewer at the end).
    pub(crate) fn chunk(&mut self) -> &'a [u8] {
        let len = usize::from(self.byte()).min(self.data.len());
        let (chunk, rest) = self.data.split_at(len);
        self.data = rest;
        chunk
    }

    /// A chunk as text (invalid UTF-8 replaced).
    pub(crate) fn text(&mut self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.chunk())
    }

    /// Everything up to the next `\n` (which is consumed), or the rest.
    pub(crate) fn line(&mut self) -> &'a [u8] {
        match self.data.iter().position(|b| *b == b'\n') {
            Some(at) => {
                let (line, rest) = self.data.split_at(at);
                self.data = &rest[1..];
                line
            }
            None => self.rest(),
        }
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

/// An HTTP status from two little-endian bytes: `100 + n % 900`, so every input is a valid
/// `StatusCode` (seeds write `status - 100`: `[100, 0]` is 200, `[173, 1]` is 529).
pub(crate) fn status(input: &mut Input<'_>) -> http::StatusCode {
    http::StatusCode::from_u16(100 + input.u16() % 900).unwrap_or(http::StatusCode::OK)
}
