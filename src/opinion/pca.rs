//! The members' points: PCA to two components over the sparse member × statement matrix.

use super::{Answer, SplitMix};
use nalgebra::{DMatrix, DVector};

/// Most iterations of the subspace iteration; it usually stops far sooner.
const MAX_ITERATIONS: usize = 300;
/// Columns iterated at once: more than the two wanted, so the two converge fast.
const BLOCK: usize = 8;
/// Relative residual at which a Ritz vector counts as converged.
const TOLERANCE: f64 = 1e-9;

/// Each placed member's (x, y), in the order of `placed`.
pub(super) fn project(
    by_member: &[Vec<(usize, Answer)>],
    placed: &[usize],
    n_statements: usize,
) -> Vec<(f64, f64)> {
    // Column means over the placed members who answered: a missing answer takes the mean, so
    // after centring it is zero and the matrix stays sparse.
    let mut sum = vec![0.0; n_statements];
    let mut seen = vec![0u64; n_statements];
    for &m in placed {
        for &(s, a) in &by_member[m] {
            sum[s] += a.value();
            seen[s] += 1;
        }
    }
    let mean: Vec<f64> = sum
        .iter()
        .zip(&seen)
        .map(|(&t, &n)| if n > 0 { t / n as f64 } else { 0.0 })
        .collect();

    // The covariance (up to a constant factor), accumulated from each member's answers.
    let n = n_statements;
    let mut cov = vec![0.0; n * n];
    let mut centred: Vec<(usize, f64)> = Vec::new();
    for &m in placed {
        centred.clear();
        centred.extend(by_member[m].iter().map(|&(s, a)| (s, a.value() - mean[s])));
        for &(i, yi) in &centred {
            if yi == 0.0 {
                continue;
            }
            let column = &mut cov[i * n..(i + 1) * n];
            for &(j, yj) in &centred {
                column[j] += yi * yj;
            }
        }
    }
    let cov = DMatrix::from_vec(n, n, cov);
    let components = leading_two(&cov);

    placed
        .iter()
        .map(|&m| {
            let answers = &by_member[m];
            let mut xy = [0.0; 2];
            for (c, v) in components.iter().enumerate() {
                xy[c] = answers
                    .iter()
                    .map(|&(s, a)| (a.value() - mean[s]) * v[s])
                    .sum();
            }
            // Pol.is's scaling: a member who answered few statements is not pulled to the centre.
            let scale = if answers.is_empty() {
                0.0
            } else {
                (n as f64 / answers.len() as f64).sqrt()
            };
            (xy[0] * scale, xy[1] * scale)
        })
        .collect()
}

/// The two leading eigenvectors of the symmetric `cov` (zero vectors past its size), with a
/// fixed sign: each vector's largest component is positive.
fn leading_two(cov: &DMatrix<f64>) -> [DVector<f64>; 2] {
    let n = cov.nrows();
    let zero = || DVector::zeros(n);
    if n == 0 {
        return [zero(), zero()];
    }
    let b = BLOCK.min(n);
    // A fixed start, so the same data always gives the same iteration.
    let mut rng = SplitMix::new(0x5eed);
    let start = DMatrix::from_fn(n, b, |_, _| rng.next_f64() - 0.5);
    let mut q = start.qr().q();
    let scale = cov.norm().max(f64::MIN_POSITIVE);
    let mut ritz = ritz_pairs(cov, &q);
    for _ in 0..MAX_ITERATIONS {
        if converged(cov, &ritz, scale) || b == n {
            break;
        }
        q = (cov * &q).qr().q();
        ritz = ritz_pairs(cov, &q);
    }
    let mut out = [zero(), zero()];
    for (slot, (_, v)) in out.iter_mut().zip(ritz) {
        *slot = fix_sign(v);
    }
    out
}

/// Rayleigh–Ritz on the subspace `q`: the (value, vector) pairs, the largest value first.
fn ritz_pairs(cov: &DMatrix<f64>, q: &DMatrix<f64>) -> Vec<(f64, DVector<f64>)> {
    let t = q.transpose() * cov * q;
    // Symmetrise against rounding before the symmetric decomposition.
    let t = (&t + t.transpose()) * 0.5;
    let eigen = t.symmetric_eigen();
    let mut order: Vec<usize> = (0..eigen.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| {
        eigen.eigenvalues[b]
            .total_cmp(&eigen.eigenvalues[a])
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(2)
        .map(|i| (eigen.eigenvalues[i], q * eigen.eigenvectors.column(i)))
        .collect()
}

fn converged(cov: &DMatrix<f64>, ritz: &[(f64, DVector<f64>)], scale: f64) -> bool {
    ritz.iter()
        .all(|(value, v)| (cov * v - v * *value).norm() <= TOLERANCE * scale)
}

fn fix_sign(v: DVector<f64>) -> DVector<f64> {
    let mut pivot = 0;
    for i in 0..v.len() {
        if v[i].abs() > v[pivot].abs() + 1e-12 {
            pivot = i;
        }
    }
    if !v.is_empty() && v[pivot] < 0.0 {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_two_finds_the_largest_eigenvectors_of_a_known_matrix() {
        // Eigenvalues 5, 3, 1 on the axes, rotated by nothing: the vectors are e0 and e1.
        let m = DMatrix::from_row_slice(3, 3, &[5.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 1.0]);
        let [a, b] = leading_two(&m);
        assert!((a[0].abs() - 1.0).abs() < 1e-9, "{a}");
        assert!((b[1].abs() - 1.0).abs() < 1e-9, "{b}");
        assert!(a[0] > 0.0 && b[1] > 0.0, "signs are fixed positive");
    }

    #[test]
    fn subspace_iteration_matches_the_full_decomposition_on_a_large_matrix() {
        // A 40 × 40 covariance with a clear gap after the second value.
        let n = 40;
        let mut rng = SplitMix::new(7);
        let x = DMatrix::from_fn(200, n, |r, c| {
            let camp = if r % 2 == 0 { 1.0 } else { -1.0 };
            let second = if r % 3 == 0 { 1.0 } else { 0.0 };
            camp * (c as f64 / n as f64) + second * ((c % 5) as f64) + 0.1 * rng.next_f64()
        });
        let cov = x.transpose() * &x;
        let [a, _] = leading_two(&cov);
        let full = cov.clone().symmetric_eigen();
        let top = full.eigenvalues.imax();
        let expected = fix_sign(full.eigenvectors.column(top).into_owned());
        assert!((a - expected).norm() < 1e-6);
    }
}
