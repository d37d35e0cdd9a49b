//! A list that is one element long in nearly every use (the items of a settlement and their
//! amounts), kept inline then.
//!
//! Every transaction keeps its leading settlements until the batch is done, and two
//! allocations per settlement were a large part of the small allocations whose freeing and
//! re-use grew faster than the batch.

/// No element, one element inline, or a vector of two or more.
#[derive(Debug, Clone, Default)]
pub(crate) enum OneOrMany<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T: Copy> OneOrMany<T> {
    pub(crate) fn push(&mut self, v: T) {
        match self {
            OneOrMany::Empty => *self = OneOrMany::One(v),
            OneOrMany::One(x) => *self = OneOrMany::Many(vec![*x, v]),
            OneOrMany::Many(list) => list.push(v),
        }
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::Empty => &[],
            OneOrMany::One(x) => std::slice::from_ref(x),
            OneOrMany::Many(list) => list,
        }
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Equal when the elements are: `One(7)` equals `Many(vec![7])`.
impl<T: PartialEq> PartialEq for OneOrMany<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut it = iter.into_iter();
        let Some(first) = it.next() else {
            return OneOrMany::Empty;
        };
        let Some(second) = it.next() else {
            return OneOrMany::One(first);
        };
        let mut list = vec![first, second];
        list.extend(it);
        OneOrMany::Many(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_many_is_a_list_whatever_its_length() {
        let mut f: OneOrMany<u32> = OneOrMany::default();
        assert!(f.is_empty());
        f.push(7);
        assert_eq!(&*f, &[7]);
        f.push(8);
        f.push(9);
        assert_eq!(&*f, &[7, 8, 9]);
        let one: OneOrMany<u32> = [7].into_iter().collect();
        assert_eq!(one, OneOrMany::Many(vec![7]));
        assert_eq!([7, 8, 9].into_iter().collect::<OneOrMany<u32>>(), f);
        assert!(
            std::iter::empty::<u32>()
                .collect::<OneOrMany<u32>>()
                .is_empty()
        );
    }
}
