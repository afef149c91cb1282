//! Every item of a list operation as a lazy [`Stream`]: the generated `all()` of each list
//! builder (an operation with `count` and `skip` query parameters whose answer holds `items`,
//! `codegen/src/pages.rs`) walks its pages here.

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::Error;
use crate::core::response::Response;

/// The items of every page, fetched with `count = page_size` and `skip` = the items before it,
/// only as the stream is read; the walk ends at the first page shorter than `page_size`. Any
/// error ends the stream after being yielded. `send_page` sends `builder` for one page (the
/// other arguments as the caller set them); `items` takes a page's items out of its answer.
#[allow(
    dead_code,
    reason = "called by the generated `all()` of list operations; a build whose groups have none leaves it unused"
)]
pub(crate) fn all<B, Page, T, Fut>(
    builder: B,
    page_size: u64,
    mut send_page: impl FnMut(B, u64, u64) -> Fut,
    items: fn(Page) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error>>
where
    B: Clone,
    Fut: Future<Output = Result<Response<Page>, Error>>,
{
    stream::try_unfold(Some(0u64), move |skip| {
        let page = skip.map(|skip| send_page(builder.clone(), page_size, skip));
        async move {
            let (Some(skip), Some(page)) = (skip, page) else {
                return Ok(None);
            };
            let items = items(page.await?.into_inner());
            let full = items.len() as u64 >= page_size;
            let next = full.then_some(skip + page_size);
            Ok::<_, Error>(Some((stream::iter(items.into_iter().map(Ok)), next)))
        }
    })
    .try_flatten()
}
