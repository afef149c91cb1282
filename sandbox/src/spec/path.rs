//! OpenAPI path templates (`/orders/{order_id}/payments`) and matching request paths to them.

use percent_encoding::percent_decode_str;

use super::SpecError;

/// One `/`-separated piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Must equal the request's segment.
    Literal(String),
    /// `{name}`, possibly with fixed text around it (`{name}.json`).
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

/// A parsed path template.
#[derive(Debug, Clone)]
pub(crate) struct PathTemplate {
    segments: Vec<Segment>,
}

impl PathTemplate {
    pub(crate) fn parse(template: &str) -> Result<Self, SpecError> {
        let at = format!("paths.{template}");
        let rest = template
            .strip_prefix('/')
            .ok_or_else(|| SpecError::new(&at, "a path must start with `/`"))?;
        let segments = rest
            .split('/')
            .map(|segment| match segment.split_once('{') {
                None if segment.contains('}') => Err(SpecError::new(&at, "unbalanced `}`")),
                None => Ok(Segment::Literal(segment.to_owned())),
                Some((prefix, rest)) => {
                    let (name, suffix) = rest
                        .split_once('}')
                        .ok_or_else(|| SpecError::new(&at, "unbalanced `{`"))?;
                    if name.is_empty() || suffix.contains(['{', '}']) || prefix.contains('}') {
                        return Err(SpecError::new(
                            &at,
                            "one named `{parameter}` per path segment is supported",
                        ));
                    }
                    Ok(Segment::Param {
                        prefix: prefix.to_owned(),
                        name: name.to_owned(),
                        suffix: suffix.to_owned(),
                    })
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(PathTemplate { segments })
    }

    /// Names of the template's parameters, in order.
    pub(crate) fn param_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param { name, .. } => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Orders templates so that a concrete segment beats a templated one at the first place
    /// they differ (`/order/create` before `/order/{order_id}`), as OpenAPI asks.
    pub(crate) fn specificity(&self) -> Vec<u8> {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 0,
                Segment::Param { prefix, suffix, .. }
                    if !prefix.is_empty() || !suffix.is_empty() =>
                {
                    1
                }
                Segment::Param { .. } => 2,
            })
            .collect()
    }

    /// The percent-decoded path parameters if `path` (without query) matches the template.
    /// A parameter never matches an empty value or one that is not UTF-8 once decoded.
    pub(crate) fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let rest = path.strip_prefix('/')?;
        let mut params = Vec::new();
        let mut pieces = rest.split('/');
        for segment in &self.segments {
            let raw = pieces.next()?;
            match segment {
                Segment::Literal(literal) => {
                    if raw != literal && decode(raw)? != *literal {
                        return None;
                    }
                }
                Segment::Param {
                    prefix,
                    name,
                    suffix,
                } => {
                    let raw = raw.strip_prefix(prefix.as_str())?;
                    let raw = raw.strip_suffix(suffix.as_str())?;
                    let value = decode(raw)?;
                    if value.is_empty() {
                        return None;
                    }
                    params.push((name.clone(), value));
                }
            }
        }
        match pieces.next() {
            None => Some(params),
            Some(_) => None,
        }
    }
}

fn decode(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
        PathTemplate::parse(template).unwrap().matches(path)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn literal_and_templated_segments_match_whole_segments() {
        assert_eq!(params("/orders", "/orders"), Some(vec![]));
        assert_eq!(params("/orders", "/orders/"), None);
        assert_eq!(params("/orders", "/order"), None);
        assert_eq!(
            params("/orders/{order_id}/payments", "/orders/order_X/payments"),
            Some(pairs(&[("order_id", "order_X")]))
        );
        assert_eq!(
            params("/orders/{order_id}/payments", "/orders//payments"),
            None
        );
        assert_eq!(params("/orders/{order_id}", "/orders/a/b"), None);
    }

    #[test]
    fn parameters_are_percent_decoded_and_may_not_hide_a_slash_from_literals() {
        assert_eq!(
            params("/order/{order_id}", "/order/order_G%40nzg3qBq"),
            Some(pairs(&[("order_id", "order_G@nzg3qBq")]))
        );
        assert_eq!(
            params("/order/{order_id}", "/order/a%2Fb"),
            Some(pairs(&[("order_id", "a/b")]))
        );
        assert_eq!(params("/order/{order_id}", "/order/%FF"), None);
        assert_eq!(params("/order/create", "/order%2Fcreate"), None);
    }

    #[test]
    fn fixed_text_around_a_parameter() {
        assert_eq!(
            params("/files/{name}.json", "/files/a.json"),
            Some(pairs(&[("name", "a")]))
        );
        assert_eq!(params("/files/{name}.json", "/files/a.xml"), None);
    }

    #[test]
    fn malformed_templates_are_refused() {
        for template in ["orders", "/a/{b", "/a/b}", "/a/{}", "/a/{b}{c}"] {
            assert!(PathTemplate::parse(template).is_err(), "{template}");
        }
    }

    #[test]
    fn concrete_segments_sort_first() {
        let concrete = PathTemplate::parse("/order/create").unwrap();
        let templated = PathTemplate::parse("/order/{id}").unwrap();
        assert!(concrete.specificity() < templated.specificity());
    }
}
