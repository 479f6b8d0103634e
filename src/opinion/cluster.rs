//! k-means on the members' points, with k chosen by the silhouette.

use super::{Options, SplitMix};

/// Lloyd's iterations per run at most; runs stop when no point changes group.
const MAX_ITERATIONS: usize = 100;

/// A grouping's score (silhouette or inertia), labels and centres.
type Scored = (f64, Vec<usize>, Vec<(f64, f64)>);

pub(super) struct Grouping {
    pub points: Vec<(f64, f64)>,
    /// Each point's group, groups numbered largest first.
    pub labels: Vec<usize>,
    pub centres: Vec<(f64, f64)>,
    pub sizes: Vec<usize>,
    pub silhouette: f64,
}

fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    dx * dx + dy * dy
}

/// Groups `points` with the k in `min_groups..=max_groups` that has the best silhouette (the
/// smaller k on a tie). `None` when there are too few distinct points for two groups.
pub(super) fn choose(points: &[(f64, f64)], options: &Options) -> Option<Grouping> {
    let distinct = {
        let mut p: Vec<(u64, u64)> = points
            .iter()
            .map(|&(x, y)| (x.to_bits(), y.to_bits()))
            .collect();
        p.sort_unstable();
        p.dedup();
        p.len()
    };
    let lo = options.min_groups.max(2);
    let hi = options.max_groups.min(distinct);
    let sample = sample(points.len(), options.silhouette_sample.max(2));
    let mut best: Option<Scored> = None;
    for k in lo..=hi {
        let (labels, centres) = kmeans(points, k, options);
        let score = silhouette(points, &labels, k, &sample);
        if best.as_ref().is_none_or(|b| score > b.0 + 1e-12) {
            best = Some((score, labels, centres));
        }
    }
    let (silhouette, labels, centres) = best?;
    Some(relabel(points, labels, centres, silhouette))
}

/// Numbers the groups largest first (ties by the centre's x, then y) and counts them.
fn relabel(
    points: &[(f64, f64)],
    labels: Vec<usize>,
    centres: Vec<(f64, f64)>,
    silhouette: f64,
) -> Grouping {
    let k = centres.len();
    let mut sizes = vec![0usize; k];
    for &l in &labels {
        sizes[l] += 1;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        sizes[b]
            .cmp(&sizes[a])
            .then(centres[a].0.total_cmp(&centres[b].0))
            .then(centres[a].1.total_cmp(&centres[b].1))
    });
    let mut new_of = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    Grouping {
        points: points.to_vec(),
        labels: labels.iter().map(|&l| new_of[l]).collect(),
        centres: order.iter().map(|&o| centres[o]).collect(),
        sizes: order.iter().map(|&o| sizes[o]).collect(),
        silhouette,
    }
}

/// The best of `options.restarts` seeded k-means++ runs (least inertia).
fn kmeans(points: &[(f64, f64)], k: usize, options: &Options) -> (Vec<usize>, Vec<(f64, f64)>) {
    let mut best: Option<Scored> = None;
    for restart in 0..options.restarts.max(1) {
        let seed = options.seed ^ ((k as u64) << 32) ^ restart as u64;
        let (labels, centres) = lloyd(points, init(points, k, seed));
        let inertia: f64 = points
            .iter()
            .zip(&labels)
            .map(|(&p, &l)| dist2(p, centres[l]))
            .sum();
        if best.as_ref().is_none_or(|b| inertia < b.0 - 1e-12) {
            best = Some((inertia, labels, centres));
        }
    }
    match best {
        Some((_, labels, centres)) => (labels, centres),
        None => (vec![0; points.len()], vec![(0.0, 0.0); k]),
    }
}

/// k-means++: the first centre at random, each next one with probability by squared distance.
fn init(points: &[(f64, f64)], k: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = SplitMix::new(seed);
    let n = points.len();
    let mut centres = Vec::with_capacity(k);
    centres.push(points[(rng.next_u64() % n as u64) as usize]);
    let mut nearest: Vec<f64> = points.iter().map(|&p| dist2(p, centres[0])).collect();
    while centres.len() < k {
        let total: f64 = nearest.iter().sum();
        let pick = if total > 0.0 {
            let mut target = rng.next_f64() * total;
            let mut chosen = n - 1;
            for (i, &d) in nearest.iter().enumerate() {
                if target < d {
                    chosen = i;
                    break;
                }
                target -= d;
            }
            chosen
        } else {
            (rng.next_u64() % n as u64) as usize
        };
        let c = points[pick];
        centres.push(c);
        for (d, &p) in nearest.iter_mut().zip(points) {
            *d = d.min(dist2(p, c));
        }
    }
    centres
}

fn lloyd(points: &[(f64, f64)], mut centres: Vec<(f64, f64)>) -> (Vec<usize>, Vec<(f64, f64)>) {
    let k = centres.len();
    let mut labels = vec![usize::MAX; points.len()];
    for _ in 0..MAX_ITERATIONS {
        let mut changed = false;
        for (label, &p) in labels.iter_mut().zip(points) {
            let mut best = 0;
            let mut best_d = f64::INFINITY;
            for (c, &centre) in centres.iter().enumerate() {
                let d = dist2(p, centre);
                if d < best_d {
                    best = c;
                    best_d = d;
                }
            }
            if *label != best {
                *label = best;
                changed = true;
            }
        }
        let mut sum = vec![(0.0, 0.0, 0usize); k];
        for (&l, &p) in labels.iter().zip(points) {
            sum[l].0 += p.0;
            sum[l].1 += p.1;
            sum[l].2 += 1;
        }
        for (c, s) in sum.iter().enumerate() {
            if s.2 > 0 {
                centres[c] = (s.0 / s.2 as f64, s.1 / s.2 as f64);
            } else {
                // An empty group takes the point farthest from its own centre.
                let far = points
                    .iter()
                    .zip(&labels)
                    .enumerate()
                    .max_by(|a, b| {
                        dist2(*a.1 .0, centres[*a.1 .1])
                            .total_cmp(&dist2(*b.1 .0, centres[*b.1 .1]))
                            .then(b.0.cmp(&a.0))
                    })
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                centres[c] = points[far];
                labels[far] = c;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (labels, centres)
}

/// Up to `max` indices spread evenly over `0..n`, always the same for the same `n`.
fn sample(n: usize, max: usize) -> Vec<usize> {
    if n <= max {
        (0..n).collect()
    } else {
        (0..max).map(|i| i * n / max).collect()
    }
}

/// The mean silhouette over the sampled points (distances among the sample only).
fn silhouette(points: &[(f64, f64)], labels: &[usize], k: usize, sample: &[usize]) -> f64 {
    if sample.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0; k];
    let mut counts = vec![0usize; k];
    for &i in sample {
        sums.iter_mut().for_each(|s| *s = 0.0);
        counts.iter_mut().for_each(|c| *c = 0);
        for &j in sample {
            if i != j {
                sums[labels[j]] += dist2(points[i], points[j]).sqrt();
                counts[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if counts[own] == 0 {
            continue; // alone in its group: silhouette 0
        }
        let a = sums[own] / counts[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            let m = a.max(b);
            if m > 0.0 {
                total += (b - a) / m;
            }
        }
    }
    total / sample.len() as f64
}
