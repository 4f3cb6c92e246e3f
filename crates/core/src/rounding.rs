//! Rounding, named after the rules that ask for it (rules.md §1).
//!
//! Every rounding in jixiao goes through one of these functions, so a reader can see which rule
//! a number follows and a profile can switch the one rule that varies between regions.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// How 执行率 is derived from 全年执行数 / 全年预算数 (profile key `rate_rounding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateRounding {
    /// Cut after two decimals: the Shanghai forms print 11.84/12.86 as 92.06.
    Truncate,
    /// Round half up to two decimals (national): 11.84/12.86 → 92.07.
    HalfUp,
}

/// 执行率 in percent, two decimals, rounded as the profile says; `None` when the budget is 0.
pub fn execution_rate(
    executed: Decimal,
    budget: Decimal,
    rounding: RateRounding,
) -> Option<Decimal> {
    let strategy = match rounding {
        RateRounding::Truncate => RoundingStrategy::ToZero,
        RateRounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
    };
    product_quotient(executed, Decimal::ONE_HUNDRED, budget, strategy)
}

/// `numerator × factor / denominator` rounded to two decimals by `strategy` (`ToZero` or
/// `MidpointAwayFromZero`), with two decimals; `None` when the denominator is 0 or the product
/// overflows. A form's numbers are computed exactly in integers (a `Decimal` division is the
/// audit's most expensive arithmetic); larger ones by `Decimal`, whose 28 digits give the same.
fn product_quotient(
    numerator: Decimal,
    factor: Decimal,
    denominator: Decimal,
    strategy: RoundingStrategy,
) -> Option<Decimal> {
    if denominator.is_zero() {
        return None;
    }
    integer_product_quotient(numerator, factor, denominator, strategy)
        .or_else(|| decimal_product_quotient(numerator, factor, denominator, strategy))
}

/// `product_quotient` in integers: (n·f·10^(2+ds)) / (d·10^(ns+fs)) for mantissas n, f, d and
/// scales ns, fs, ds, rounded by the remainder. `None` where the integers would pass 10^26, below
/// which `Decimal`'s 28-digit quotient never rounds across a hundredth.
fn integer_product_quotient(
    numerator: Decimal,
    factor: Decimal,
    denominator: Decimal,
    strategy: RoundingStrategy,
) -> Option<Decimal> {
    const LIMIT: u128 = 10u128.pow(26);
    let power = |places: u32| 10u128.checked_pow(places);
    let up = 2 + denominator.scale();
    let down = numerator.scale() + factor.scale();
    let mut top = numerator
        .mantissa()
        .unsigned_abs()
        .checked_mul(factor.mantissa().unsigned_abs())?;
    let mut bottom = denominator.mantissa().unsigned_abs();
    if up >= down {
        top = top.checked_mul(power(up - down)?)?;
    } else {
        bottom = bottom.checked_mul(power(down - up)?)?;
    }
    if top >= LIMIT || bottom >= LIMIT {
        return None;
    }
    let (mut quotient, remainder) = (top / bottom, top % bottom);
    match strategy {
        RoundingStrategy::ToZero => {}
        RoundingStrategy::MidpointAwayFromZero if remainder * 2 >= bottom => quotient += 1,
        RoundingStrategy::MidpointAwayFromZero => {}
        _ => return None,
    }
    let negative = (numerator.is_sign_negative() != factor.is_sign_negative())
        != denominator.is_sign_negative();
    let quotient = i128::try_from(quotient).ok()?;
    Some(Decimal::from_i128_with_scale(
        if negative { -quotient } else { quotient },
        2,
    ))
}

/// `product_quotient` by `Decimal` arithmetic.
fn decimal_product_quotient(
    numerator: Decimal,
    factor: Decimal,
    denominator: Decimal,
    strategy: RoundingStrategy,
) -> Option<Decimal> {
    let mut value = numerator
        .checked_mul(factor)?
        .checked_div(denominator)?
        .round_dp_with_strategy(2, strategy);
    value.rescale(2);
    Some(value)
}

/// `score_half_up(part / whole × weight)` with the ratio not rounded first: 11.84/12.86×10 → 9.21;
/// `None` when `whole` is 0.
pub fn score_of_ratio(part: Decimal, whole: Decimal, weight: Decimal) -> Option<Decimal> {
    product_quotient(part, weight, whole, RoundingStrategy::MidpointAwayFromZero)
}

/// Scores are rounded half up to two decimals (rules.md §1): 9.2068 → 9.21, 6.8754 → 6.88.
pub fn score_half_up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Sums saturate instead of overflowing: a form with absurd numbers gets findings, not a crash.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |total, value| total.saturating_add(value))
}

/// Two decimals, as forms print money, rates and scores: `15` → `15.00`, `42.857` → `42.86`.
pub fn two_places(value: Decimal) -> String {
    let mut text = String::new();
    push_two_places(&mut text, value);
    text
}

/// Appends `two_places(value)`: findings write their numbers straight into the message.
pub(crate) fn push_two_places(out: &mut String, value: Decimal) {
    match value.scale() {
        // As most printed numbers are: nothing to round or rescale.
        2 => return push_decimal(out, value.mantissa(), 2),
        // A weight `50` or a rate `92.5`: two places by zeros, which a 96-bit mantissa × 100
        // leaves room for in an i128.
        0 => return push_decimal(out, value.mantissa() * 100, 2),
        1 => return push_decimal(out, value.mantissa() * 10, 2),
        _ => {}
    }
    let mut rounded = score_half_up(value);
    rounded.rescale(2);
    if rounded.scale() != 2 {
        // Too large for two decimals (only absurd input gets here).
        out.push_str(&format!("{:.2}", score_half_up(value)));
        return;
    }
    push_decimal(out, rounded.mantissa(), 2);
}

/// Appends a ratio in percent, two decimals: `0.4286` → `42.86`.
pub(crate) fn push_percent(out: &mut String, ratio: Decimal) {
    push_two_places(out, ratio.saturating_mul(Decimal::ONE_HUNDRED));
}

/// A signed difference with a typographic minus, as gaps print: `+1.70`, `−8.12`, `0.00`.
pub fn signed(value: Decimal) -> String {
    let text = two_places(value.abs());
    if text == "0.00" {
        text
    } else if value.is_sign_negative() {
        format!("\u{2212}{text}")
    } else {
        format!("+{text}")
    }
}

/// A number as a person writes it in a formula: `6017.00` → `6017`, `0.50` → `0.5`.
pub fn plain(value: Decimal) -> String {
    let mut text = String::new();
    push_plain(&mut text, value);
    text
}

/// Appends `plain(value)`.
pub(crate) fn push_plain(out: &mut String, value: Decimal) {
    let (mantissa, mut scale) = (value.mantissa(), value.scale());
    // `normalize` in 64 bits, where the numbers on a form are: i128 division is a library call.
    let Ok(mut small) = i64::try_from(mantissa) else {
        let value = value.normalize();
        return push_decimal(out, value.mantissa(), value.scale());
    };
    while scale > 0 && small % 10 == 0 {
        small /= 10;
        scale -= 1;
    }
    push_decimal(out, i128::from(small), scale);
}

/// Appends `mantissa × 10^-scale` in positional notation. Findings print many numbers, and
/// writing the digits directly costs a tenth of `core::fmt` (the audit's largest single cost
/// otherwise).
fn push_decimal(out: &mut String, mantissa: i128, scale: u32) {
    // A Decimal's mantissa has at most 29 digits and its scale is at most 28.
    let mut digits = [b'0'; 40];
    let mut start = digits.len();
    let mut wide = mantissa.unsigned_abs();
    // u128 division is a library call; the numbers on a form fit in u64.
    while u64::try_from(wide).is_err() {
        start -= 1;
        digits[start] = b'0' + (wide % 10) as u8;
        wide /= 10;
    }
    let mut rest = u64::try_from(wide).unwrap_or_default();
    while rest > 0 || digits.len() - start <= scale as usize {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let integer_len = digits.len() - start - scale as usize;
    out.reserve(digits.len() - start + 2);
    if mantissa < 0 {
        out.push('-');
    }
    for (index, &digit) in digits[start..].iter().enumerate() {
        if index == integer_len {
            out.push('.');
        }
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn shanghai_truncates_and_national_rounds() {
        assert_eq!(
            execution_rate(d("11.84"), d("12.86"), RateRounding::Truncate),
            Some(d("92.06"))
        );
        assert_eq!(
            execution_rate(d("11.84"), d("12.86"), RateRounding::HalfUp),
            Some(d("92.07"))
        );
        assert_eq!(
            execution_rate(d("19.17"), d("27.20"), RateRounding::Truncate),
            Some(d("70.47"))
        );
        assert_eq!(execution_rate(d("1"), d("0"), RateRounding::HalfUp), None);
    }

    #[test]
    fn the_integer_quotient_is_the_decimal_one() {
        let values = [
            "0",
            "1",
            "-1",
            "0.01",
            "11.84",
            "12.86",
            "19.17",
            "27.20",
            "100",
            "100.00",
            "95",
            "0.333",
            "7",
            "3",
            "2.5",
            "-2.5",
            "0.005",
            "123456789.123456",
            "99999999999.99",
            "0.0000001",
            "20",
            "1.5",
            "66.666666",
        ];
        let values: Vec<Decimal> = values.iter().map(|text| d(text)).collect();
        let strategies = [
            RoundingStrategy::ToZero,
            RoundingStrategy::MidpointAwayFromZero,
        ];
        for &n in &values {
            for &f in &values {
                for &den in values.iter().filter(|v| !v.is_zero()) {
                    for strategy in strategies {
                        let exact = integer_product_quotient(n, f, den, strategy);
                        let by_decimal = decimal_product_quotient(n, f, den, strategy);
                        if let Some(exact) = exact {
                            assert_eq!(Some(exact), by_decimal, "{n} {f} {den} {strategy:?}");
                            assert_eq!(exact.scale(), 2);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scores_round_half_up() {
        assert_eq!(score_half_up(d("9.2068")), d("9.21"));
        assert_eq!(score_half_up(d("8.675")), d("8.68"));
        assert_eq!(score_half_up(d("7.7744")), d("7.77"));
        assert_eq!(two_places(d("15")), "15.00");
        assert_eq!(plain(d("6017.00")), "6017");
        assert_eq!(plain(d("0.50")), "0.5");
        assert_eq!(plain(d("-11.40")), "-11.4");
        assert_eq!(plain(d("0.0625")), "0.0625");
        assert_eq!(plain(Decimal::MAX), Decimal::MAX.to_string());
    }
}
