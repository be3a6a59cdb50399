//! The syntax tree of an `.optc` file. Every node carries its source span.
//! Nothing here is validated: names, units and ranges are checked in `check`.

use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub decls: Vec<Decl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Device(Block),
    Reducer(ReducerDecl),
    Linear(Block),
}

/// `KEYWORD NAME { settings }` (device and linear declarations, `train` blocks).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: Ident,
    pub settings: Vec<Setting>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReducerDecl {
    pub name: Ident,
    pub items: Vec<ReducerItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReducerItem {
    Setting(Setting),
    Onn(OnnBlock),
    /// `train { ... }`; the block's name is the `train` keyword itself.
    Train(Block),
}

/// `onn { layer ...; detect ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct OnnBlock {
    pub keyword: Span,
    pub stages: Vec<OnnStage>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OnnStage {
    Layer(Layer),
    Detect(Detect),
}

/// `layer WIDTH [activation A] [weights W] [mesh M]`
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub width: Number,
    pub clauses: Vec<LayerClause>,
    pub span: Span,
}

/// One `KEYWORD value` clause of a layer (`activation`, `weights`, `mesh`).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerClause {
    pub keyword: Ident,
    pub value: Value,
}

/// `detect MODE`
#[derive(Debug, Clone, PartialEq)]
pub struct Detect {
    pub mode: Ident,
    pub span: Span,
}

/// `key = value`
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// A (possibly complex) number with an optional unit word (`0.2 dB`).
    Number { number: Number, unit: Option<Ident> },
    /// A bare word (`mean`, `clements`, `true`).
    Word(String),
    /// A string literal, escapes resolved.
    Str(String),
    /// `name(args)`, e.g. `eo(gain = 0.5)`, `segmented(4)`, `load("w.npy")`.
    Call { name: Ident, args: Vec<Arg> },
    /// `[[a, b], [c, d]]`: rows of numbers.
    Matrix(Vec<Row>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub entries: Vec<Number>,
    pub span: Span,
}

/// A numeric literal, `re + im·i`. `int` is set for integer literals that fit
/// an i128 (so range checks can say "too large" instead of losing digits).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub re: f64,
    pub im: f64,
    pub int: Option<i128>,
    /// The literal was written as an integer (no `.`, exponent or `i`).
    pub is_integer: bool,
    pub span: Span,
}
