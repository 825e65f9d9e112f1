//! The `stats` tool: descriptive statistics of a list of numbers, matching
//! numpy's defaults (median = mean of the middle two; percentiles by linear
//! interpolation; variance is the sample variance, ddof = 1).

use crate::json::{self, Value};

/// Reported when the caller gives no "percentiles".
const DEFAULT_PERCENTILES: [f64; 6] = [25.0, 50.0, 75.0, 90.0, 95.0, 99.0];

/// Neumaier's compensated sum: exact-ish for inputs of mixed magnitude,
/// where a naive loop can lose every digit (1e16 + 1 - 1e16).
fn sum(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for x in xs {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
    }
    s + c
}

/// numpy.percentile(method="linear") of sorted data, p in [0, 100].
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// "p90", "p99.9": the key a percentile is reported under.
fn key(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("p{}", p as i64)
    } else {
        format!("p{}", p)
    }
}

fn numbers(v: Option<&Value>, what: &str) -> Result<Vec<f64>, String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::Number(n) => Ok(*n),
                _ => Err(format!("{}[{}] is not a number", what, i)),
            })
            .collect(),
        _ => Err(format!("\"{}\" must be an array of numbers", what)),
    }
}

/// Returns the result JSON, or an error message for KAI_ERR_INVALID_INPUT.
pub fn run(args: &Value) -> Result<String, String> {
    let mut xs = numbers(args.get("numbers"), "numbers")?;
    if xs.is_empty() {
        return Err("\"numbers\" must contain at least one number".into());
    }
    let ps = match args.get("percentiles") {
        None => DEFAULT_PERCENTILES.to_vec(),
        v => numbers(v, "percentiles")?,
    };
    if let Some(p) = ps.iter().find(|p| !(0.0..=100.0).contains(*p)) {
        return Err(format!("percentile {} is outside 0..100", p));
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let total = sum(xs.iter().copied());
    let mean = total / n as f64;
    if !total.is_finite() || !mean.is_finite() {
        return Err("the numbers are too large: their sum overflows a double".into());
    }
    // Two passes (deviations from the mean) rather than sum of squares,
    // which cancels catastrophically for data far from zero.
    let variance = if n > 1 { Some(sum(xs.iter().map(|x| (x - mean) * (x - mean))) / (n - 1) as f64) } else { None };
    if variance.is_some_and(|v| !v.is_finite()) {
        return Err("the numbers are too spread out: their variance overflows a double".into());
    }
    let opt = |v: Option<f64>| v.map_or("null".to_string(), json::number);
    let mut out = format!(
        "{{\"count\":{},\"sum\":{},\"mean\":{},\"median\":{},\"min\":{},\"max\":{},\"variance\":{},\"stddev\":{},\"percentiles\":{{",
        n,
        json::number(total),
        json::number(mean),
        json::number(percentile(&xs, 50.0)),
        json::number(xs[0]),
        json::number(xs[n - 1]),
        opt(variance),
        opt(variance.map(f64::sqrt)),
    );
    let mut seen: Vec<String> = Vec::new();
    for p in ps {
        let k = key(p);
        if seen.contains(&k) {
            continue; // a repeated percentile would repeat a member name
        }
        if !seen.is_empty() {
            out.push(',');
        }
        json::write_string(&mut out, &k);
        out.push(':');
        out.push_str(&json::number(percentile(&xs, p)));
        seen.push(k);
    }
    out.push_str("}}");
    Ok(out)
}
