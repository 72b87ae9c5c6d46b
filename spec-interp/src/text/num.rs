//! Numeric literals (spec 6.3.2): integers and floats, with `_` separators, hexadecimal forms,
//! `inf`, `nan` and `nan:0x...`. Floats keep exact bit patterns and round to nearest, ties to
//! even, also for hexadecimal literals.

/// Digits without `_`.
fn clean(s: &str) -> String {
    s.chars().filter(|&c| c != '_').collect()
}

/// An unsigned literal (`num` or `0x hexnum`); `None` if malformed or above `u64::MAX`.
pub fn parse_nat(text: &str) -> Option<u64> {
    let (digits, radix) = match text.strip_prefix("0x") {
        Some(d) => (d, 16),
        None => (text, 10),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    let digits = clean(digits);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

/// An integer literal of `bits` width, accepting the signed and the unsigned range; the result
/// is the bit pattern, zero-extended. `None`: out of range or malformed.
pub fn parse_int(text: &str, bits: u32) -> Option<u64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mag = parse_nat(body)?;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    if neg {
        let limit = 1u64 << (bits - 1);
        if mag > limit {
            return None;
        }
        Some(mag.wrapping_neg() & mask)
    } else {
        if mag > mask {
            return None;
        }
        Some(mag)
    }
}

/// Float formats: mantissa bits and exponent bits.
#[derive(Clone, Copy)]
pub struct FloatFormat {
    pub mant_bits: u32,
    pub exp_bits: u32,
}

pub const F32: FloatFormat = FloatFormat {
    mant_bits: 23,
    exp_bits: 8,
};
pub const F64: FloatFormat = FloatFormat {
    mant_bits: 52,
    exp_bits: 11,
};

/// A float literal as a bit pattern (in the low bits). `None`: malformed or out of range.
pub fn parse_float(text: &str, fmt: FloatFormat) -> Option<u64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let total = 1 + fmt.exp_bits + fmt.mant_bits;
    let sign = if neg { 1u64 << (total - 1) } else { 0 };
    let exp_all = ((1u64 << fmt.exp_bits) - 1) << fmt.mant_bits;
    let bits = if body == "inf" {
        exp_all
    } else if body == "nan" {
        exp_all | (1u64 << (fmt.mant_bits - 1))
    } else if let Some(payload) = body.strip_prefix("nan:0x") {
        let p = parse_nat(&format!("0x{payload}"))?;
        if p == 0 || p >= (1u64 << fmt.mant_bits) {
            return None;
        }
        exp_all | p
    } else if let Some(hex) = body.strip_prefix("0x") {
        parse_hex_float(hex, fmt)?
    } else {
        parse_dec_float(body, fmt)?
    };
    Some(sign | bits)
}

fn parse_dec_float(body: &str, fmt: FloatFormat) -> Option<u64> {
    let s = clean(body);
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if fmt.mant_bits == 23 {
        let v: f32 = s.parse().ok()?;
        if v.is_infinite() {
            return None;
        }
        Some(v.to_bits() as u64)
    } else {
        let v: f64 = s.parse().ok()?;
        if v.is_infinite() {
            return None;
        }
        Some(v.to_bits())
    }
}

/// `hexnum (. hexnum?)? ([pP] [+-]? num)?` after the `0x`.
fn parse_hex_float(hex: &str, fmt: FloatFormat) -> Option<u64> {
    let hex = clean(hex);
    let (mantissa, exp_text) = match hex.find(['p', 'P']) {
        Some(i) => (&hex[..i], Some(&hex[i + 1..])),
        None => (&hex[..], None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if int.is_empty() {
        return None;
    }
    // Accumulate up to 60 significant bits; later digits only set the sticky bit.
    let mut m: u64 = 0;
    let mut exp: i64 = 0;
    let mut sticky = false;
    for (is_frac, c) in int
        .chars()
        .map(|c| (false, c))
        .chain(frac.chars().map(|c| (true, c)))
    {
        let d = c.to_digit(16)? as u64;
        if m < (1u64 << 56) {
            m = m * 16 + d;
            if is_frac {
                exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !is_frac {
                exp += 4;
            }
        }
    }
    if let Some(e) = exp_text {
        let (eneg, edigits) = match e.as_bytes().first() {
            Some(b'-') => (true, &e[1..]),
            Some(b'+') => (false, &e[1..]),
            _ => (false, e),
        };
        if edigits.is_empty() || !edigits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // Clamp huge exponents: they over- or underflow anyway.
        let v: i64 = edigits.parse::<i64>().unwrap_or(i64::MAX / 4).min(1 << 20);
        exp += if eneg { -v } else { v };
    }
    round_float(m, sticky, exp, fmt)
}

/// Rounds `(m + sticky·ε)·2^exp` to the format, ties to even. `None` on overflow.
pub fn round_float(m: u64, sticky: bool, exp: i64, fmt: FloatFormat) -> Option<u64> {
    if m == 0 {
        return Some(0);
    }
    let mant = fmt.mant_bits as i64;
    let bias = (1i64 << (fmt.exp_bits - 1)) - 1;
    let emin = 1 - bias;
    let msb = 63 - m.leading_zeros() as i64;
    let top = msb + exp; // the value lies in [2^top, 2^(top+1))
    let lsb_exp = (top - mant).max(emin - mant);
    let shift = lsb_exp - exp;
    let m = m as u128;
    let mut q: u128;
    if shift <= 0 {
        q = m << (-shift) as u32;
    } else if shift >= 120 {
        q = 0;
    } else {
        let shift = shift as u32;
        q = m >> shift;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rem > half || (rem == half && (sticky || q & 1 == 1)) {
            q += 1;
        }
    }
    let mut lsb_exp = lsb_exp;
    if q == 1u128 << (mant + 1) {
        q >>= 1;
        lsb_exp += 1;
    }
    if q < (1u128 << mant) {
        // Subnormal (or zero after rounding).
        return Some(q as u64);
    }
    let biased = lsb_exp + mant + bias;
    if biased >= (1i64 << fmt.exp_bits) - 1 {
        return None;
    }
    Some(((biased as u64) << fmt.mant_bits) | (q as u64 & ((1u64 << fmt.mant_bits) - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn ints() {
        assert_eq!(parse_int("-0x8000_0000", 32), Some(0x8000_0000));
        assert_eq!(parse_int("4294967295", 32), Some(0xffff_ffff));
        assert_eq!(parse_int("4294967296", 32), None);
        assert_eq!(parse_int("-2147483649", 32), None);
        assert_eq!(parse_int("-9223372036854775808", 64), Some(1 << 63));
    }

    #[test]
    fn floats() {
        let f32b = |s| parse_float(s, F32).map(|b| b as u32);
        assert_eq!(f32b("0x1p127"), Some(0x7f00_0000));
        assert_eq!(f32b("0x1p128"), None);
        assert_eq!(f32b("-0x1.fffffefffffffffffffp127"), Some(0xff7f_ffff));
        assert_eq!(f32b("0x1.fffffe8p127"), Some(0x7f7f_ffff));
        assert_eq!(f32b("0x1.ffffffp127"), None);
        assert_eq!(f32b("nan:0x200000"), Some(0x7fa0_0000));
        assert_eq!(f32b("-nan"), Some(0xffc0_0000));
        assert_eq!(f32b("0x1p-149"), Some(1));
        assert_eq!(f32b("0x1p-150"), Some(0));
        assert_eq!(f32b("0x1.8p-150"), Some(1));
        assert_eq!(f32b("0x1.000001p0"), Some(0x3f80_0000));
        assert_eq!(f32b("0x1.000003p0"), Some(0x3f80_0002));
        assert_eq!(f32b("1e38"), Some(1e38f32.to_bits()));
        assert_eq!(parse_float("0x1.fffffffffffff8p1023", F64), None);
        assert_eq!(parse_float("1_000.5", F64), Some(1000.5f64.to_bits()));
    }
}

#[cfg(test)]
mod cross_check {
    /// Compares against cases computed exactly elsewhere (`text bits32 bits64` per line, in
    /// the file named by `FLOAT_CASES`).
    #[test]
    #[ignore]
    fn float_cases() {
        let Ok(path) = std::env::var("FLOAT_CASES") else {
            return;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let mut bad = 0;
        for line in text.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let want32 = parts[1].parse::<u64>().ok();
            let want64 = parts[2].parse::<u64>().ok();
            let got32 = super::parse_float(parts[0], super::F32);
            let got64 = super::parse_float(parts[0], super::F64);
            if got32 != want32 || got64 != want64 {
                bad += 1;
                eprintln!("{line}: got {got32:?} {got64:?}");
            }
        }
        assert_eq!(bad, 0);
    }
}
