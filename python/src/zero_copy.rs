//! Code matrices shared with numpy / torch without a copy: the buffer
//! protocol (PEP 3118) gives the extension the caller's memory; int8,
//! int16 and int32 codes are reduced in place by the runtime's executors
//! (generic over the code word) and the delivered codes are written into
//! the caller's output array.

use crate::errors::Failure;
use optc_sim::reducer::code_word::CodeWord;
use pyo3::buffer::{Element, PyBuffer};

/// A code word both numpy and the executors know.
pub trait Code: Element + CodeWord {}
impl Code for i8 {}
impl Code for i16 {}
impl Code for i32 {}

/// The buffer's items, if it is C-contiguous. The buffer stays alive (and
/// exported, so numpy refuses to resize it) while the slice is used.
pub fn items<'a, T: Code>(buf: &'a PyBuffer<T>, what: &str) -> Result<&'a [T], Failure> {
    if !buf.is_c_contiguous() {
        return Err(Failure::run(format!("{what} must be C-contiguous")));
    }
    // SAFETY: a C-contiguous buffer of item_count() items of T (PyBuffer
    // checked the item format and size against T) that outlives `buf`.
    Ok(unsafe { std::slice::from_raw_parts(buf.buf_ptr() as *const T, buf.item_count()) })
}

/// The writable buffer's items.
#[allow(clippy::mut_from_ref)]
pub fn items_mut<'a, T: Code>(buf: &'a PyBuffer<T>, what: &str) -> Result<&'a mut [T], Failure> {
    if buf.readonly() {
        return Err(Failure::run(format!("{what} is read-only")));
    }
    if !buf.is_c_contiguous() {
        return Err(Failure::run(format!("{what} must be C-contiguous")));
    }
    // SAFETY: as in `items`, and the exporter granted write access; the
    // caller holds no other view of it during the call (documented).
    Ok(unsafe { std::slice::from_raw_parts_mut(buf.buf_ptr() as *mut T, buf.item_count()) })
}
