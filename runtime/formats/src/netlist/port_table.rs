//! One value per port of every node, held in one allocation: a circuit's
//! drivers (one per input port) without a vector per node.

use std::ops::Index;

#[derive(Debug, Clone, PartialEq)]
pub struct PortTable<T> {
    /// Node i's values are `items[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T: Clone> PortTable<T> {
    /// `counts` gives each node's number of ports, every value `init`.
    pub fn new(counts: impl Iterator<Item = usize>, init: T) -> Self {
        let mut start = vec![0];
        for c in counts {
            start.push(start[start.len() - 1] + c);
        }
        let items = vec![init; start[start.len() - 1]];
        PortTable { start, items }
    }
}

impl<T> PortTable<T> {
    pub fn at(&mut self, node: usize, port: usize) -> &mut T {
        &mut self.items[self.start[node] + port]
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each node's values, in node order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> {
        self.start.windows(2).map(|w| &self.items[w[0]..w[1]])
    }

    /// The same table with every value mapped, or the first error of `f`,
    /// which is given the node and port.
    pub fn try_map<U, E>(
        self,
        mut f: impl FnMut(usize, usize, T) -> Result<U, E>,
    ) -> Result<PortTable<U>, E> {
        let mut items = Vec::with_capacity(self.items.len());
        let mut node = 0;
        for (k, v) in self.items.into_iter().enumerate() {
            while self.start[node + 1] <= k {
                node += 1;
            }
            items.push(f(node, k - self.start[node], v)?);
        }
        Ok(PortTable {
            start: self.start,
            items,
        })
    }
}

impl<T> Index<usize> for PortTable<T> {
    type Output = [T];

    fn index(&self, node: usize) -> &[T] {
        &self.items[self.start[node]..self.start[node + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_counts_and_map_keeps_them() {
        let mut t = PortTable::new([2, 0, 3].into_iter(), 0u32);
        *t.at(0, 1) = 7;
        *t.at(2, 2) = 9;
        assert_eq!(t.len(), 3);
        let rows: Vec<&[u32]> = t.iter().collect();
        assert_eq!(rows, [&[0, 7][..], &[][..], &[0, 0, 9][..]]);
        let m = t
            .try_map(|node, port, v| Ok::<_, ()>((node, port, v)))
            .unwrap();
        assert_eq!(&m[2], &[(2, 0, 0), (2, 1, 0), (2, 2, 9)][..]);
        assert_eq!(&m[1], &[][..]);
        let err = m.try_map(|node, port, _| {
            if node == 2 && port == 1 {
                Err("at 2,1")
            } else {
                Ok(())
            }
        });
        assert_eq!(err.unwrap_err(), "at 2,1");
    }
}
