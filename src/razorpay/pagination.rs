//! Every item of a Razorpay list, as a lazy [`Stream`]: pages of [`page_size`] (the spec's
//! maximum `count`) are fetched with `count` and `skip` only as the stream is read, and the
//! walk stops at the first page shorter than that.
//!
//! ```no_run
//! # async fn demo(client: paygate::razorpay::Client) -> Result<(), paygate::Error> {
//! use futures_util::TryStreamExt;
//! use paygate::razorpay::pagination::Window;
//!
//! let window = Window { from: Some(1_700_000_000), to: Some(1_700_086_400) };
//! let mut payments = std::pin::pin!(client.all_payments(window));
//! while let Some(payment) = payments.try_next().await? {
//!     println!("{} {} paise", payment.id, payment.amount);
//! }
//! # Ok(()) }
//! ```

use std::future::Future;
use std::num::NonZeroU64;

use futures_util::stream::{self, Stream, TryStreamExt};

use super::{Client, types};
use crate::Error;

/// Items per page: the largest `count` the spec allows on every list operation (its
/// `maximum`, 100 today), or `None` if the spec states none.
pub fn page_size() -> Option<NonZeroU64> {
    super::generated::REQUEST_LIMITS
        .iter()
        .filter(|limits| limits.location == "query" && limits.field == "count")
        .map(|limits| limits.maximum.and_then(|m| u64::try_from(m).ok()))
        .min()
        .flatten()
        .and_then(NonZeroU64::new)
}

/// A creation-time window in Unix seconds; `None` leaves that side open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    /// Created at or after this time.
    pub from: Option<i64>,
    /// Created at or before this time.
    pub to: Option<i64>,
}

/// One page request: `count` items after skipping `skip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Items in the page.
    pub count: NonZeroU64,
    /// Items before it.
    pub skip: i64,
}

/// A list response (`{"entity": "collection", "count", "items"}`).
pub trait Collection {
    /// The entity listed.
    type Item;
    /// The page's items, in the order the API sent them.
    fn into_items(self) -> Vec<Self::Item>;
}

macro_rules! collections {
    ($($collection:ident => $item:ident),* $(,)?) => {$(
        impl Collection for types::$collection {
            type Item = types::$item;
            fn into_items(self) -> Vec<types::$item> {
                self.items
            }
        }
    )*};
}

collections!(
    OrderCollection => Order,
    PaymentCollection => Payment,
    RefundCollection => Refund,
    SettlementCollection => Settlement,
);

/// Walks every page `fetch_page` returns, starting at `skip = 0`, and yields the items in
/// order. Any error ends the stream after being yielded.
pub fn paginate<C, F, Fut>(mut fetch_page: F) -> impl Stream<Item = Result<C::Item, Error>>
where
    C: Collection,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<crate::Response<C>, Error>>,
{
    let size = page_size();
    stream::try_unfold(Some(0i64), move |skip| {
        let page = skip
            .zip(size)
            .map(|(skip, count)| fetch_page(Page { count, skip }));
        async move {
            let Some(skip) = skip else {
                return Ok(None);
            };
            let (Some(page), Some(size)) = (page, size) else {
                return Err(Error::InvalidRequest {
                    field: "count".into(),
                    value: String::new(),
                    reason: "the spec states no maximum page size, so pages cannot be walked"
                        .into(),
                });
            };
            let items = page.await?.into_inner().into_items();
            let full = items.len() as u64 >= size.get();
            let next = full.then_some(skip + size.get() as i64);
            Ok::<_, Error>(Some((stream::iter(items.into_iter().map(Ok)), next)))
        }
    })
    .try_flatten()
}

/// Applies the page and the window to a generated list builder and sends it.
macro_rules! send_page {
    ($builder:expr, $window:expr, $page:expr) => {{
        let mut builder = $builder.count($page.count).skip($page.skip);
        if let Some(from) = $window.from {
            builder = builder.from(from);
        }
        if let Some(to) = $window.to {
            builder = builder.to(to);
        }
        builder.send()
    }};
}

impl Client {
    /// Every order created in `window`, newest first.
    pub fn all_orders(
        &self,
        window: Window,
    ) -> impl Stream<Item = Result<types::Order, Error>> + '_ {
        paginate(move |page| send_page!(self.list_orders(), window, page))
    }

    /// Every payment created in `window`, newest first.
    pub fn all_payments(
        &self,
        window: Window,
    ) -> impl Stream<Item = Result<types::Payment, Error>> + '_ {
        paginate(move |page| send_page!(self.list_payments(), window, page))
    }

    /// Every refund created in `window`, newest first.
    pub fn all_refunds(
        &self,
        window: Window,
    ) -> impl Stream<Item = Result<types::Refund, Error>> + '_ {
        paginate(move |page| send_page!(self.list_refunds(), window, page))
    }

    /// Every refund of one payment created in `window`.
    pub fn all_payment_refunds<'a>(
        &'a self,
        payment_id: &'a str,
        window: Window,
    ) -> impl Stream<Item = Result<types::Refund, Error>> + 'a {
        paginate(move |page| {
            send_page!(
                self.list_payment_refunds().payment_id(payment_id),
                window,
                page
            )
        })
    }

    /// Every settlement created in `window`, newest first.
    pub fn all_settlements(
        &self,
        window: Window,
    ) -> impl Stream<Item = Result<types::Settlement, Error>> + '_ {
        paginate(move |page| send_page!(self.list_settlements(), window, page))
    }
}
