//! `reducer NAME { ... }` → `Reducer`: servers, bits, reduction, rounding,
//! preprocessing, realization, device and training settings.

use super::devices::DeviceTable;
use super::onn::check_onn;
use super::program::{Link, Preprocess, Realization, Reducer, Reduction, Rounding, TrainSettings};
use super::settings::SettingTable;
use super::units::Quantity;
use super::values::{boolean, describe, head, int_in, real_in, unknown_choice, word_of, Range};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{
    Arg, Block, OnnBlock, ReducerDecl, ReducerItem, Setting, Value, ValueKind,
};
use optc_model::component::Kind;
use optc_model::mzi::MziCell;

pub const REDUCER_KEYS: &[&str] = &[
    "servers",
    "bits",
    "reduce",
    "round",
    "preprocess",
    "realize",
    "link",
    "cascade",
    "device",
    "cell",
];
/// The MZI cells an onn's meshes can be built of, by netlist kind name.
pub const CELL_KINDS: &[&str] = &["mzi", "mzi3", "mzi_crossing"];
pub const TRAIN_KEYS: &[&str] = &["epochs", "lr", "seed", "noise_aware"];

pub fn check_reducer(
    decl: &ReducerDecl,
    recovered: bool,
    devices: &DeviceTable,
    diags: &mut Vec<Diagnostic>,
) -> Option<Reducer> {
    let before = diags.len();
    let mut settings: Vec<Setting> = Vec::new();
    let mut onn: Option<&OnnBlock> = None;
    let mut train: Option<&Block> = None;
    for item in &decl.items {
        match item {
            ReducerItem::Setting(s) => settings.push(s.clone()),
            ReducerItem::Onn(b) => {
                if let Some(first) = onn {
                    diags.push(twice("onn", b.keyword, first.keyword));
                } else {
                    onn = Some(b);
                }
            }
            ReducerItem::Train(b) => {
                if let Some(first) = train {
                    diags.push(twice("train", b.name.span, first.name.span));
                } else {
                    train = Some(b);
                }
            }
        }
    }
    let what = format!("reducer `{}`", decl.name.name);
    let t = SettingTable::new(
        what.clone(),
        decl.name.span,
        &settings,
        REDUCER_KEYS,
        recovered,
        diags,
    );

    let servers = t
        .required("servers", "servers = 8", diags)
        .and_then(|v| int_in("servers", v, 2, 1024, diags))
        .map(|n| n as usize);
    let bits = t
        .required("bits", "bits = 4", diags)
        .and_then(|v| int_in("bits", v, 1, 16, diags))
        .map(|n| n as u32);
    let reduce = match t.get("reduce") {
        None => Some(Reduction::Mean),
        Some(v) => reduction(v, servers, diags),
    };
    let round = match t.get("round") {
        None => Some(Rounding::HalfEven),
        Some(v) => word_of("rounding", v, &["half_even"], diags).map(|_| Rounding::HalfEven),
    };
    let preprocess = match t.get("preprocess") {
        None => Some(Preprocess::None),
        Some(v) => preprocess(v, servers, diags),
    };
    let device = devices.resolve(t.get("device"), diags);
    let link = match t.get("link") {
        None => Some(Link::Amplitude),
        Some(v) => word_of("link", v, &["amplitude", "pam4"], diags).map(|w| {
            if w == "pam4" {
                Link::Pam4
            } else {
                Link::Amplitude
            }
        }),
    };
    let cascade = t
        .get("cascade")
        .and_then(|v| cascade(v, servers, link, diags));
    if let (Some(Link::Pam4), Some(n), Some(v)) = (link, servers, t.get("servers")) {
        if !n.is_power_of_two() {
            diags.push(
                Diagnostic::error(
                    format!("a digit-serial reducer over PAM4 needs a power-of-two number of servers, not {n}"),
                    v.span,
                )
                .with_label("the mean's rounding is a shift by log2 N")
                .with_help(format!(
                    "use {} or {} servers, or `link = amplitude`",
                    n.next_power_of_two() / 2,
                    n.next_power_of_two()
                )),
            );
        }
    }
    if let (Some(Reduction::Weighted(_)), Some(p)) = (&reduce, preprocess) {
        if p != Preprocess::None {
            if let Some(v) = t.get("preprocess") {
                diags.push(
                    Diagnostic::error("a weighted reduction needs `preprocess = none`", v.span)
                        .with_label("summing first loses which server sent what")
                        .with_help("use `preprocess = none` with `reduce = weighted(...)`"),
                );
            }
        }
    }

    // The realization: `realize = linear`, or an `onn { ... }` block.
    let realize_word = t
        .get("realize")
        .and_then(|v| word_of("realization", v, &["linear", "onn"], diags).map(|w| (w, v)));
    let kind = match (realize_word, onn) {
        (Some(("linear", v)), Some(b)) => {
            diags.push(
                Diagnostic::error(
                    format!("{what} says `realize = linear` but has an `onn` block"),
                    b.keyword,
                )
                .with_label("onn block here")
                .with_note(v.span, "linear realization chosen here")
                .with_help("remove the `onn` block, or `realize = linear`"),
            );
            None
        }
        (Some(("onn", v)), None) => {
            diags.push(
                Diagnostic::error("`realize = onn` needs an `onn { ... }` block", v.span)
                    .with_help("add `onn { layer ...  detect threshold }` to the reducer"),
            );
            None
        }
        (Some((w, _)), _) => Some(w),
        (None, Some(_)) => Some("onn"),
        (None, None) => {
            if t.get("realize").is_none() && !recovered {
                diags.push(
                    Diagnostic::error(format!("{what} has no realization"), decl.name.span)
                        .with_label("realization missing")
                        .with_help("add `realize = linear` or an `onn { ... }` block"),
                );
            }
            None
        }
    };
    if let (Some("linear"), Some(Link::Pam4), Some(v)) = (kind, link, t.get("link")) {
        diags.push(
            Diagnostic::error(
                "a PAM4 link is reduced digit-serially by the onn photonic ADC, not by the linear realization",
                v.span,
            )
            .with_help("write an `onn { ... }` block for one stage, or `link = amplitude`"),
        );
    }
    if let (Some("linear"), Some(b)) = (kind, train) {
        diags.push(
            Diagnostic::error(
                "`train` settings apply only to an `onn` realization",
                b.name.span,
            )
            .with_label("nothing to train in a linear realization")
            .with_help("remove the `train` block"),
        );
    }
    // Kind names, as the netlist spells the cell's instances.
    let cell = match t.get("cell") {
        None => Some(MziCell::Standard),
        Some(v) => word_of("cell", v, CELL_KINDS, diags)
            .and_then(|w| Kind::from_name(w).and_then(Kind::mzi_cell)),
    };
    if let (Some("linear"), Some(v)) = (kind, t.get("cell")) {
        diags.push(
            Diagnostic::error("`cell` applies only to an `onn` realization", v.span)
                .with_label("a linear reducer has no MZIs: a passive combiner and splitters")
                .with_help("remove `cell`, or write an `onn { ... }` block"),
        );
    }
    let train_settings = train.map_or(Some(TrainSettings::default()), |b| train_block(b, diags));

    let realization = match kind {
        Some("linear") => Some(Realization::Linear),
        Some(_) => match (onn, servers, bits, &reduce, preprocess) {
            (Some(b), Some(n), Some(bits), Some(r), Some(p)) => {
                // Over PAM4 the onn describes one stage: the Gray bits of
                // its level ℓ ∈ [0, 4N − 1].
                let unit = cascade
                    .as_ref()
                    .and_then(|c| c.first().copied())
                    .unwrap_or(n);
                let (out_bits, delivers) = if link == Some(Link::Pam4) {
                    let bits = (4 * unit).next_power_of_two().trailing_zeros();
                    let what = format!(
                        "one digit-serial stage of {unit} inputs (levels 0..{}) resolves",
                        4 * unit - 1
                    );
                    (bits, what)
                } else {
                    let what = "the reducer delivers".to_string();
                    (super::program::output_bits(bits, n, r), what)
                };
                // A bad cascade already said what is wrong; the onn's
                // widths depend on it.
                if t.get("cascade").is_some() && cascade.is_none() {
                    None
                } else {
                    check_onn(b, p.out_width(n), out_bits, &delivers, diags).map(Realization::Onn)
                }
            }
            _ => None,
        },
        None => None,
    };

    if diags.len() != before {
        return None;
    }
    let is_onn = matches!(realization, Some(Realization::Onn(_)));
    Some(Reducer {
        name: decl.name.name.clone(),
        span: decl.name.span,
        servers: servers?,
        bits: bits?,
        reduce: reduce?,
        round: round?,
        preprocess: preprocess?,
        realization: realization?,
        link: link?,
        cascade: if t.get("cascade").is_some() {
            Some(cascade?)
        } else {
            None
        },
        device: device?,
        train: if is_onn { train_settings } else { None },
        cell: cell?,
    })
}

fn twice(what: &str, span: crate::syntax::Span, first: crate::syntax::Span) -> Diagnostic {
    Diagnostic::error(format!("a reducer has at most one `{what}` block"), span)
        .with_label("second block")
        .with_note(first, "first block here")
        .with_help("merge the two blocks")
}

fn reduction(v: &Value, servers: Option<usize>, diags: &mut Vec<Diagnostic>) -> Option<Reduction> {
    let choices = ["mean", "sum", "weighted"];
    let Some((name, args)) = head(v) else {
        diags.push(
            Diagnostic::error(
                format!("`reduce` expects a reduction, found {}", describe(v)),
                v.span,
            )
            .with_label("expected `mean`, `sum` or `weighted(w1, ..., wN)`"),
        );
        return None;
    };
    match (name, &v.kind) {
        ("mean", ValueKind::Word(_)) => Some(Reduction::Mean),
        ("sum", ValueKind::Word(_)) => Some(Reduction::Sum),
        ("weighted", ValueKind::Call { .. }) => {
            weights(v, args, servers, diags).map(Reduction::Weighted)
        }
        ("mean" | "sum", _) => {
            diags.push(
                Diagnostic::error(format!("`{name}` takes no arguments"), v.span)
                    .with_help(format!("write `reduce = {name}`")),
            );
            None
        }
        ("weighted", _) => {
            diags.push(
                Diagnostic::error("`weighted` needs one weight per server", v.span)
                    .with_help("write e.g. `reduce = weighted(0.5, 0.25, 0.25, 0)`"),
            );
            None
        }
        _ => {
            unknown_choice("reduction", name, v, &choices, diags);
            None
        }
    }
}

fn weights(
    v: &Value,
    args: &[Arg],
    servers: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let before = diags.len();
    let w: Vec<f64> = args
        .iter()
        .filter_map(|a| {
            real_in(
                "weight",
                &a.value,
                Quantity::Plain,
                Range::closed(-1.0, 1.0),
                diags,
            )
        })
        .collect();
    if diags.len() != before {
        return None;
    }
    if let Some(n) = servers {
        if w.len() != n {
            diags.push(
                Diagnostic::error(
                    format!("`weighted` has {} weights for {n} servers", w.len()),
                    v.span,
                )
                .with_label(format!("expected {n} weights"))
                .with_help("give exactly one weight per server"),
            );
            return None;
        }
    }
    if w.iter().all(|x| *x == 0.0) {
        diags.push(
            Diagnostic::error("all weights are zero", v.span)
                .with_help("at least one server must contribute to the result"),
        );
        return None;
    }
    Some(w)
}

fn preprocess(
    v: &Value,
    servers: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Preprocess> {
    let choices = ["none", "sum", "partial"];
    match (head(v), &v.kind) {
        (Some(("none", _)), ValueKind::Word(_)) => Some(Preprocess::None),
        (Some(("sum", _)), ValueKind::Word(_)) => Some(Preprocess::Sum),
        (Some(("partial", [arg])), ValueKind::Call { .. }) if arg.name.is_none() => {
            let k = int_in("partial group size", &arg.value, 2, 1024, diags)? as usize;
            let n = servers?;
            if k > n || n % k != 0 {
                diags.push(
                    Diagnostic::error(
                        format!("partial({k}) does not divide {n} servers into groups"),
                        v.span,
                    )
                    .with_label(format!("{k} does not divide {n}"))
                    .with_help("the group size must divide the number of servers"),
                );
                return None;
            }
            Some(Preprocess::Partial { group: k })
        }
        (Some(("partial", _)), _) => {
            diags.push(
                Diagnostic::error("`partial` needs the group size", v.span).with_help(
                    "write e.g. `preprocess = partial(4)` for sums of groups of 4 servers",
                ),
            );
            None
        }
        (Some((name, _)), _) => {
            unknown_choice("preprocessing", name, v, &choices, diags);
            None
        }
        (None, _) => {
            diags.push(
                Diagnostic::error(
                    format!("`preprocess` expects a stage, found {}", describe(v)),
                    v.span,
                )
                .with_label("expected `none`, `sum` or `partial(k)`"),
            );
            None
        }
    }
}

fn train_block(b: &Block, diags: &mut Vec<Diagnostic>) -> Option<TrainSettings> {
    let before = diags.len();
    let t = SettingTable::new(
        "`train`".into(),
        b.name.span,
        &b.settings,
        TRAIN_KEYS,
        false,
        diags,
    );
    let mut s = TrainSettings::default();
    if let Some(v) = t.get("epochs") {
        s.epochs = int_in("epochs", v, 1, 1_000_000, diags).map_or(0, |n| n as u32);
    }
    if let Some(v) = t.get("lr") {
        s.lr = real_in(
            "lr",
            v,
            Quantity::Plain,
            Range::open_closed(0.0, 10.0),
            diags,
        )
        .unwrap_or(0.0);
    }
    if let Some(v) = t.get("seed") {
        s.seed = int_in("seed", v, 0, i128::from(u64::MAX), diags).map_or(0, |n| n as u64);
    }
    if let Some(v) = t.get("noise_aware") {
        s.noise_aware = boolean("noise_aware", v, diags).unwrap_or(false);
    }
    (diags.len() == before).then_some(s)
}

/// `cascade = [f0, f1, ...]`: the fan-in of each level of a digit-serial
/// tree, leaves first; equal powers of two in 2..=64 whose product is
/// `servers`, over a PAM4 link.
fn cascade(
    v: &Value,
    servers: Option<usize>,
    link: Option<Link>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<usize>> {
    let fail = |diags: &mut Vec<Diagnostic>, msg: String, help: &str| {
        diags.push(Diagnostic::error(msg, v.span).with_help(help.to_string()));
        None
    };
    let ValueKind::Matrix(rows) = &v.kind else {
        return fail(
            diags,
            format!("`cascade` expects a list of fan-ins, found {}", describe(v)),
            "write e.g. `cascade = [4, 4]` for 16 servers as four 4-server units and a root",
        );
    };
    let [row] = rows.as_slice() else {
        return fail(
            diags,
            "`cascade` is one list of fan-ins, not a matrix".into(),
            "write e.g. `cascade = [4, 4, 4]`",
        );
    };
    let fan: Option<Vec<usize>> = row
        .entries
        .iter()
        .map(|n| {
            n.int
                .filter(|&k| (2..=64).contains(&k) && (k as u64).is_power_of_two())
                .map(|k| k as usize)
        })
        .collect();
    let Some(fan) = fan.filter(|f| !f.is_empty() && f.len() <= 6) else {
        return fail(
            diags,
            "every fan-in of `cascade` must be a power of two in 2..=64, at most 6 levels".into(),
            "write e.g. `cascade = [4, 4]`",
        );
    };
    if link != Some(Link::Pam4) {
        return fail(
            diags,
            "a cascade forwards exact partial sums as PAM4 digits: it needs `link = pam4`".into(),
            "add `link = pam4`, or remove `cascade`",
        );
    }
    if fan.iter().any(|&f| f != fan[0]) {
        return fail(
            diags,
            format!("the cascade's levels have different fan-ins {fan:?}; every level must use the same unit (one stage design)"),
            "use equal fan-ins, e.g. `cascade = [4, 4]`",
        );
    }
    let total: usize = fan.iter().product();
    if servers.is_some_and(|n| n != total) {
        return fail(
            diags,
            format!(
                "the cascade {fan:?} serves {total} servers, but `servers` = {}",
                servers.unwrap_or(0)
            ),
            "make the fan-ins multiply to `servers`",
        );
    }
    Some(fan)
}
