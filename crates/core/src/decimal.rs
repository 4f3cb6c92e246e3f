//! Cheap comparisons of decimals for the audit's hot loops.
//!
//! `Decimal`'s `Ord` handles any two scales and is not inlined; the numbers on a form mostly share
//! their scale (`20.00` against `17.50`) or are compared with zero, and then a few instructions do.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// The order of two decimals, as `Decimal::cmp` gives it.
#[inline]
pub(crate) fn order(a: Decimal, b: Decimal) -> Ordering {
    if a.scale() == b.scale() {
        // Same scale: the values are mantissa × the same power of ten.
        a.mantissa().cmp(&b.mantissa())
    } else {
        order_across_scales(a, b)
    }
}

/// `order` of two scales, as an actual `98.00` and its target `90` are: the mantissa of the
/// smaller scale is brought to the larger one. Out of line, so that the common case stays small.
#[inline(never)]
fn order_across_scales(a: Decimal, b: Decimal) -> Ordering {
    let (a_scale, b_scale) = (a.scale(), b.scale());
    if a_scale < b_scale {
        if let Some(a) = at_scale(a, b_scale) {
            return a.cmp(&b.mantissa());
        }
    } else if let Some(b) = at_scale(b, a_scale) {
        return a.mantissa().cmp(&b);
    }
    a.cmp(&b)
}

/// The mantissa of `value` at a scale up to nine places above its own: a mantissa is below 2^96
/// and 10^9 below 2^30, so the product cannot overflow an i128.
#[inline]
fn at_scale(value: Decimal, scale: u32) -> Option<i128> {
    const POWERS_OF_TEN: [i128; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    let power = POWERS_OF_TEN.get(scale.checked_sub(value.scale())? as usize)?;
    Some(value.mantissa() * power)
}

/// `a < b`.
#[inline]
pub(crate) fn lt(a: Decimal, b: Decimal) -> bool {
    order(a, b) == Ordering::Less
}

/// `a > b`.
#[inline]
pub(crate) fn gt(a: Decimal, b: Decimal) -> bool {
    order(a, b) == Ordering::Greater
}

/// `value > 0` (a negative zero is not above zero).
#[inline]
pub(crate) fn is_positive(value: Decimal) -> bool {
    !value.is_zero() && !value.is_sign_negative()
}

/// `value < 0` (a negative zero is not below zero).
#[inline]
pub(crate) fn is_negative(value: Decimal) -> bool {
    !value.is_zero() && value.is_sign_negative()
}

/// `|a − b| ≤ tolerance`, as `a.saturating_sub(b).abs() <= tolerance` gives it.
#[inline]
pub(crate) fn within(a: Decimal, b: Decimal, tolerance: Decimal) -> bool {
    if a.scale() == b.scale() && b.scale() == tolerance.scale() {
        // The exact difference of two 96-bit mantissas fits in an i128, and `saturating_sub`
        // gives it too when it fits in 96 bits.
        let difference = (a.mantissa() - b.mantissa()).abs();
        if difference < 1 << 96 {
            return difference <= tolerance.mantissa();
        }
    }
    within_across_scales(a, b, tolerance)
}

/// `within` of different scales (a rule score `20` against a printed `20.00`): all three at the
/// largest scale, where the difference is exact; `saturating_sub` gives the same difference when
/// it fits in 96 bits, and otherwise decides.
#[inline(never)]
fn within_across_scales(a: Decimal, b: Decimal, tolerance: Decimal) -> bool {
    let scale = a.scale().max(b.scale()).max(tolerance.scale());
    if let (Some(a), Some(b), Some(tolerance)) = (
        at_scale(a, scale),
        at_scale(b, scale),
        at_scale(tolerance, scale),
    ) {
        let difference = (a - b).abs();
        if difference < 1 << 96 {
            return difference <= tolerance;
        }
    }
    !gt(a.saturating_sub(b).abs(), tolerance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn agrees_with_decimal_ord() {
        let mut values: Vec<Decimal> = [
            "0",
            "0.00",
            "1",
            "1.00",
            "-1",
            "17.50",
            "20.00",
            "20",
            "0.01",
            "-0.01",
            "99.99",
            "100",
            "0.5",
            "-12.345",
            "12.3450",
            "1.000000001",
            "0.0000000001",
            "7922816251426433759354395033.5",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ]
        .iter()
        .map(|text| Decimal::from_str(text).unwrap())
        .collect();
        for scale in [0, 2] {
            let mut negative_zero = Decimal::new(0, scale);
            negative_zero.set_sign_negative(true);
            values.push(negative_zero);
        }
        for &a in &values {
            assert_eq!(is_positive(a), a > Decimal::ZERO, "{a:?}");
            assert_eq!(is_negative(a), a < Decimal::ZERO, "{a:?}");
            for &b in &values {
                assert_eq!(order(a, b), a.cmp(&b), "{a:?} {b:?}");
                for tolerance in [
                    Decimal::ZERO,
                    Decimal::new(1, 2),
                    Decimal::new(10, 3),
                    Decimal::new(1, 0),
                    Decimal::new(5, 1),
                    Decimal::MAX,
                ] {
                    assert_eq!(
                        within(a, b, tolerance),
                        a.saturating_sub(b).abs() <= tolerance,
                        "{a:?} {b:?} {tolerance:?}"
                    );
                }
            }
        }
    }
}
