//! The integer types gradient codes travel in. Executors read and write
//! codes in the caller's type, so an int8 buffer (8-bit codes) is reduced
//! in place without widening it first.

/// A code word: converts to the executors' i32 arithmetic and back.
pub trait CodeWord: Copy + Send + Sync + Into<i32> + 'static {
    /// The delivered code in this type. Delivered codes lie in [−Q, Q]; a
    /// caller whose type cannot hold Q is refused before any work
    /// (`CodeWord::holds`), so the saturation never acts.
    fn from_code(v: i32) -> Self;

    /// Whether every code of [−Q, Q] fits this type.
    fn holds(max_code: i32) -> bool;
}

/// The code as the executors' i32.
#[inline]
pub fn wide<T: CodeWord>(c: T) -> i32 {
    c.into()
}

macro_rules! code_word {
    ($t:ty) => {
        impl CodeWord for $t {
            fn from_code(v: i32) -> Self {
                v.clamp(<$t>::MIN.into(), <$t>::MAX.into()) as $t
            }

            fn holds(max_code: i32) -> bool {
                max_code <= <$t>::MAX.into()
            }
        }
    };
}

code_word!(i8);
code_word!(i16);
code_word!(i32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_limits() {
        assert_eq!(i8::from_code(-127), -127i8);
        assert!(i8::holds(127) && !i8::holds(128));
        assert!(i16::holds(32_767) && !i16::holds(32_768));
        assert_eq!(i32::from_code(1 << 20), 1 << 20);
    }
}
