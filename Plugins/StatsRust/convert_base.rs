//! The `convert_base` tool: integers of any length between bases 2..36.
//! Digits are held as base-2^32 limbs (least significant first), so the
//! only limit is the schema's maxLength, not u64.

use crate::json::{self, Value};

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base_arg(args: &Value, name: &str) -> Result<u32, String> {
    match args.get(name) {
        Some(Value::Number(b)) if b.fract() == 0.0 && (2.0..=36.0).contains(b) => Ok(*b as u32),
        _ => Err(format!("\"{}\" must be an integer from 2 to 36", name)),
    }
}

/// limbs = limbs * mul + add.
fn mul_add(limbs: &mut Vec<u32>, mul: u32, add: u32) {
    let mut carry = add as u64;
    for l in limbs.iter_mut() {
        let v = *l as u64 * mul as u64 + carry;
        *l = v as u32;
        carry = v >> 32;
    }
    if carry != 0 {
        limbs.push(carry as u32);
    }
}

/// limbs = limbs / div; returns the remainder. Drops leading zero limbs.
fn div_rem(limbs: &mut Vec<u32>, div: u32) -> u32 {
    let mut rem = 0u64;
    for l in limbs.iter_mut().rev() {
        let v = (rem << 32) | *l as u64;
        *l = (v / div as u64) as u32;
        rem = v % div as u64;
    }
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    rem as u32
}

/// The largest power of `base` that fits in a u32, and its exponent: one
/// division by it yields that many digits at once.
fn chunk(base: u32) -> (u32, usize) {
    let (mut pow, mut k) = (base, 1);
    while let Some(next) = pow.checked_mul(base) {
        pow = next;
        k += 1;
    }
    (pow, k)
}

pub fn run(args: &Value) -> Result<String, String> {
    let from = base_arg(args, "from")?;
    let to = base_arg(args, "to")?;
    let value = match args.get("value") {
        Some(Value::Str(s)) => s.as_str(),
        _ => return Err("\"value\" must be a string of digits".into()),
    };
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    if digits.is_empty() {
        return Err("\"value\" has no digits".into());
    }
    let mut limbs: Vec<u32> = Vec::new();
    for (i, ch) in digits.chars().enumerate() {
        let d = ch.to_digit(36).filter(|d| *d < from).ok_or_else(|| {
            let pos = i + (value.len() - digits.len());
            format!("invalid digit '{}' at position {} for base {}", ch, pos, from)
        })?;
        mul_add(&mut limbs, from, d);
    }
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    let (pow, k) = chunk(to);
    let mut out_rev: Vec<u8> = Vec::new();
    while !limbs.is_empty() {
        let mut r = div_rem(&mut limbs, pow);
        for _ in 0..k {
            out_rev.push(DIGITS[(r % to) as usize]);
            r /= to;
        }
    }
    while out_rev.len() > 1 && out_rev.last() == Some(&b'0') {
        out_rev.pop();
    }
    if out_rev.is_empty() {
        out_rev.push(b'0');
    }
    if negative && out_rev != b"0" {
        out_rev.push(b'-');
    }
    out_rev.reverse();
    let mut out = String::from("{\"result\":");
    json::write_string(&mut out, std::str::from_utf8(&out_rev).unwrap_or("0"));
    out.push('}');
    Ok(out)
}
