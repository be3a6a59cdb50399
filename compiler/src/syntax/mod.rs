//! The syntax of `.optc` files: spans, tokens, the AST and the nom parser.
//! The grammar is in spec/language.md.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod recovery;
pub mod span;
pub mod value;

pub use parser::parse_file;
pub use span::{Span, Spanned};
