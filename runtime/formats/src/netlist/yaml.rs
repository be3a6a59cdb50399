//! Strict reading of the YAML files optc reads (netlist with its `reducer:`
//! section, phase file, device file): one rule for all of them, a mapping
//! key may appear only once.
//!
//! serde_yaml 0.9 keeps the last value of a key repeated in a map (into a
//! `BTreeMap`) and reports a repeated struct field at the start of its
//! mapping, not at the repetition. So before a file is deserialized into its
//! type, `check_keys` walks the whole document once and fails at the second
//! occurrence of a key (serde_yaml's position of that key scalar); a second
//! walk, only on failure, finds the line of the first occurrence.
//!
//! Keys are compared as the deserializer hands them to a `String` key: the
//! scalar's text after YAML unquoting, so `a`, `"a"` and `'a'` are the same
//! key. A document the walk cannot read (a syntax error, a non-scalar key) is
//! left to the typed parse, which reports it as before.

use super::error::{FormatError, Problem};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

/// Deserializes `text` into `T`, with serde_yaml's line and column in the
/// error. Call `check_keys` first.
pub(crate) fn from_str<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, FormatError> {
    serde_yaml::from_str(text).map_err(|e| FormatError::from_yaml(file, text, &e))
}

/// Fails with `Problem::DuplicateKey`, located at the second occurrence, if
/// any mapping of the document has a key twice.
pub fn check_keys(file: &str, text: &str) -> Result<(), FormatError> {
    let Err(second) = walk(text, Mode::Find) else {
        return Ok(());
    };
    let Some(dup) = second.dup else {
        // Not a duplicate: the typed parse reports whatever it is.
        return Ok(());
    };
    let first_line = walk(
        text,
        Mode::Locate {
            map: dup.map,
            key: dup.key.clone(),
        },
    )
    .err()
    .filter(|f| f.located)
    .and_then(|f| f.line);
    let mut err = FormatError::new(
        file,
        Problem::DuplicateKey {
            key: dup.key,
            path: dup.path,
            first_line,
        },
    )
    .at_line(second.line);
    err.location.column = second.column;
    Err(err)
}

enum Mode {
    /// Fail at the first key seen twice in one mapping.
    Find,
    /// Fail at the first occurrence of `key` in the `map`-th mapping (in
    /// document order, as the walk visits them).
    Locate { map: usize, key: String },
}

struct Dup {
    map: usize,
    key: String,
    path: String,
}

/// Why a walk stopped.
struct Stopped {
    dup: Option<Dup>,
    /// The `Locate` target was reached.
    located: bool,
    line: Option<usize>,
    column: Option<usize>,
}

enum Seg {
    Key(String),
    Index(usize),
}

struct State {
    mode: Mode,
    /// Mappings entered so far.
    maps: usize,
    path: Vec<Seg>,
    dup: Option<Dup>,
    located: bool,
}

impl State {
    fn path(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }
}

fn walk(text: &str, mode: Mode) -> Result<(), Stopped> {
    let state = RefCell::new(State {
        mode,
        maps: 0,
        path: Vec::new(),
        dup: None,
        located: false,
    });
    let result = Node(&state).deserialize(serde_yaml::Deserializer::from_str(text));
    result.map_err(|e| {
        let s = state.into_inner();
        Stopped {
            dup: s.dup,
            located: s.located,
            line: e.location().map(|l| l.line()),
            column: e.location().map(|l| l.column()),
        }
    })
}

/// Any YAML node, walked for its mappings.
#[derive(Clone, Copy)]
struct Node<'s>(&'s RefCell<State>);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! accept_scalars {
    ($($method:ident: $t:ty),*) => {
        $(fn $method<E: de::Error>(self, _: $t) -> Result<(), E> {
            Ok(())
        })*
    };
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    accept_scalars!(
        visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128,
        visit_u128: u128, visit_f64: f64, visit_char: char, visit_str: &str,
        visit_bytes: &[u8]
    );

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.0.borrow_mut().path.push(Seg::Index(i));
            let more = seq.next_element_seed(self)?;
            self.0.borrow_mut().path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ordinal = {
            let mut s = self.0.borrow_mut();
            s.maps += 1;
            s.maps - 1
        };
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key_seed(Key {
            state: self.0,
            map: ordinal,
            seen: &seen,
        })? {
            self.0.borrow_mut().path.push(Seg::Key(key.clone()));
            map.next_value_seed(self)?;
            self.0.borrow_mut().path.pop();
            seen.insert(key);
        }
        Ok(())
    }

    /// A tagged value (`!tag value`).
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (de::IgnoredAny, variant) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// A mapping key, checked against the keys before it in its mapping.
struct Key<'a> {
    state: &'a RefCell<State>,
    map: usize,
    seen: &'a HashSet<String>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        // As a `String` key of the typed parse reads it: the scalar's text.
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        let mut s = self.state.borrow_mut();
        match &s.mode {
            Mode::Find if self.seen.contains(key) => {
                let path = s.path();
                s.dup = Some(Dup {
                    map: self.map,
                    key: key.to_string(),
                    path,
                });
                Err(E::custom("duplicate key"))
            }
            Mode::Locate { map, key: target } if *map == self.map && target == key => {
                s.located = true;
                Err(E::custom("first occurrence"))
            }
            _ => Ok(key.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> Option<(usize, String, String, Option<usize>)> {
        let e = check_keys("f.yaml", text).err()?;
        assert_eq!(e.location.file, "f.yaml");
        match *e.problem {
            Problem::DuplicateKey {
                key,
                path,
                first_line,
            } => Some((e.location.line.unwrap(), key, path, first_line)),
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn unique_keys_pass() {
        assert_eq!(dup("a: 1\nb: {a: 1, b: [ {a: 1}, {a: 2} ]}\n"), None);
        assert_eq!(dup(""), None);
        assert_eq!(dup("[1, 2]"), None);
    }

    #[test]
    fn duplicates_are_located_at_both_occurrences() {
        let text = "version: 1\nm:\n  x: {a: 1}\n  y: {a: 2}\n  \"x\":\n    a: 3\n";
        assert_eq!(dup(text), Some((5, "x".into(), "m".into(), Some(3))));
        // A repeated struct field, a top-level key, a flow mapping, a
        // mapping inside a sequence.
        assert_eq!(
            dup("s:\n  t:\n    theta: 1\n    phi: 2\n    theta: 3\n"),
            Some((5, "theta".into(), "s.t".into(), Some(3)))
        );
        assert_eq!(
            dup("version: 1\nname: a\nversion: 2\n"),
            Some((3, "version".into(), String::new(), Some(1)))
        );
        assert_eq!(
            dup("i:\n  c: {settings: {ratio: 0.5, ratio: 0.6}}\n"),
            Some((2, "ratio".into(), "i.c.settings".into(), Some(2)))
        );
        assert_eq!(
            dup("r:\n  bits:\n  - {plus: a, plus: b}\n"),
            Some((3, "plus".into(), "r.bits[0]".into(), Some(3)))
        );
    }

    #[test]
    fn the_first_occurrence_is_in_the_same_mapping() {
        // `a` is in three mappings; only the third repeats it.
        let text = "p: {a: 1}\nq: {a: 1}\nr:\n  a: 1\n  b: 2\n  a: 3\n";
        assert_eq!(dup(text), Some((6, "a".into(), "r".into(), Some(4))));
    }

    #[test]
    fn unreadable_documents_are_left_to_the_typed_parse() {
        assert_eq!(dup("a: [1\n"), None);
        assert_eq!(dup("? [a, b]\n: 1\n"), None);
    }
}
