//! Bounded search for the open items one payment settles together.
//!
//! Customers pay several invoices with one transfer and often list none of the numbers; then
//! only the sum tells (hard case 1 of docs/reconciliation.md). Odoo's greedy walk over
//! candidates misses combinations that are not a prefix of its ordering; this is an exhaustive
//! search over a capped number of one customer's items and a capped combination size, with a
//! node budget, so its cost per payment is bounded whatever the data.

/// Upper bound on search nodes per call; at 16 items and size 4 the full tree has ~2,500
/// leaves, so the budget only bites on configurations at the limits.
const NODE_BUDGET: usize = 200_000;

/// Finds up to `limit` sets of indices into `values` (sizes `min_size..=max_size`) whose values
/// sum to `target`. Values may be negative (credit notes netted inside a payment). Results are
/// in lexicographic index order, so equal input gives equal output.
pub(crate) fn find_subsets(
    values: &[i64],
    target: i64,
    min_size: usize,
    max_size: usize,
    limit: usize,
) -> Vec<Vec<usize>> {
    let n = values.len();
    let mut out = Vec::new();
    if n == 0 || max_size < min_size || limit == 0 {
        return out;
    }
    // Suffix sums of the positive and the negative values bound what the rest can still add.
    let mut pos = vec![0i64; n + 1];
    let mut neg = vec![0i64; n + 1];
    for k in (0..n).rev() {
        pos[k] = pos[k + 1] + values[k].max(0);
        neg[k] = neg[k + 1] + values[k].min(0);
    }
    let mut search = Search {
        values,
        target,
        min_size,
        max_size,
        limit,
        pos,
        neg,
        nodes: 0,
        chosen: Vec::with_capacity(max_size),
        out: &mut out,
    };
    search.dfs(0, 0);
    out
}

struct Search<'a> {
    values: &'a [i64],
    target: i64,
    min_size: usize,
    max_size: usize,
    limit: usize,
    pos: Vec<i64>,
    neg: Vec<i64>,
    nodes: usize,
    chosen: Vec<usize>,
    out: &'a mut Vec<Vec<usize>>,
}

impl Search<'_> {
    fn dfs(&mut self, start: usize, sum: i64) {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET || self.out.len() >= self.limit {
            return;
        }
        if sum == self.target && self.chosen.len() >= self.min_size {
            self.out.push(self.chosen.clone());
            if self.out.len() >= self.limit {
                return;
            }
        }
        if self.chosen.len() == self.max_size {
            return;
        }
        for k in start..self.values.len() {
            // Even taking every remaining positive (or negative) value cannot reach the target.
            if sum + self.pos[k] < self.target || sum + self.neg[k] > self.target {
                return;
            }
            self.chosen.push(k);
            self.dfs(k + 1, sum + self.values[k]);
            self.chosen.pop();
            if self.out.len() >= self.limit || self.nodes > NODE_BUDGET {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_non_prefix_combinations() {
        // 300 = 100 + 200 skips the 150 a greedy walk would take first.
        let v = [150, 100, 120, 200];
        assert_eq!(find_subsets(&v, 300, 2, 4, 5), vec![vec![1, 3]]);
    }

    #[test]
    fn reports_every_combination_up_to_the_limit() {
        let v = [50, 50, 50];
        assert_eq!(
            find_subsets(&v, 100, 2, 3, 5),
            vec![vec![0, 1], vec![0, 2], vec![1, 2]]
        );
        assert_eq!(find_subsets(&v, 100, 2, 3, 2).len(), 2);
    }

    #[test]
    fn nets_negative_values() {
        // An invoice of 500 less a credit note of 80.
        let v = [500, -80, 300];
        assert_eq!(find_subsets(&v, 420, 2, 3, 5), vec![vec![0, 1]]);
    }

    #[test]
    fn respects_the_size_bounds() {
        let v = [10, 20, 30, 40];
        assert!(find_subsets(&v, 100, 2, 3, 5).is_empty());
        assert_eq!(find_subsets(&v, 100, 2, 4, 5), vec![vec![0, 1, 2, 3]]);
        assert!(find_subsets(&v, 30, 2, 1, 5).is_empty());
    }
}
