//! From an endpoint id known only at run time to its request type: a visitor has work for
//! every request type, and [`EndpointId::visit`] runs the work of the id's type.

use super::EndpointId;
use crate::request::ApiRequest;

/// Work that can run for the request type of any endpoint, chosen by [`EndpointId::visit`];
/// names what the work gives back, whatever the type.
///
/// A server that routed a request, a fuzz target that picked an endpoint from its input, a
/// command line that matched a path: each holds an [`EndpointId`] and wants to run generic code
/// with the endpoint's [`ApiRequest`] type. The match from id to type is generated in this
/// crate, from the one list of endpoints, with no wildcard arm; a consumer writes none. A visitor states
/// the bounds its work needs ([`VisitRequest`] is implemented per type, usually for every type
/// at once with a blanket impl), and [`EndpointId::visit`] asks for [`VisitEveryEndpoint`]: so
/// an endpoint added to the list is handled by every visitor, or a visitor that cannot handle
/// its type fails to compile.
///
/// ```
/// use twapi_core::EndpointId;
/// use twapi_core::endpoint::{EndpointVisitor, VisitRequest};
/// use twapi_core::request::ApiRequest;
///
/// /// The name of an endpoint's request type.
/// struct RequestType;
///
/// impl EndpointVisitor for RequestType {
///     type Output = &'static str;
/// }
///
/// impl<R: ApiRequest> VisitRequest<R> for RequestType {
///     fn visit(self) -> &'static str {
///         std::any::type_name::<R>()
///     }
/// }
///
/// assert_eq!(EndpointId::V2Me.visit(RequestType), "twapi_core::request::v2::Me");
/// ```
pub trait EndpointVisitor {
    /// What the work gives back.
    type Output;
}

/// The visitor's work for the request type `R`.
///
/// Usually implemented for every request type at once, with the bounds the work needs:
/// `impl<R: ApiRequest + Debug> VisitRequest<R> for Check`. Work that differs by type (a
/// server's handlers) goes in a trait of the visitor's own, implemented once per request type
/// and named as the bound: `impl<R: Serve> VisitRequest<R> for Route`.
pub trait VisitRequest<R: ApiRequest>: EndpointVisitor {
    /// Does the work for `R`.
    fn visit(self) -> Self::Output;
}

/// Generates [`VisitEveryEndpoint`] and [`EndpointId::visit`] from the one list.
macro_rules! declare_visit {
    ($(
        $(#[$doc:meta])*
        $id:ident = $name:literal, $($request:ident)::+,
            $constructor:ident($($args:tt)*) $(.$step:ident($($step_args:tt)*))*;
    )*) => {
        /// A visitor with work for the request type of every endpoint: what
        /// [`EndpointId::visit`] needs. Implemented for every visitor that qualifies; never
        /// implemented by hand.
        pub trait VisitEveryEndpoint:
            EndpointVisitor $(+ VisitRequest<crate::request::$($request)::+>)*
        {
        }

        impl<V> VisitEveryEndpoint for V where
            V: EndpointVisitor $(+ VisitRequest<crate::request::$($request)::+>)*
        {
        }

        impl EndpointId {
            /// Runs `visitor`'s work for this endpoint's request type (the type whose
            /// [`ApiRequest::ENDPOINT`] is this id), and gives back what it gives.
            ///
            /// ```
            /// use twapi_core::EndpointId;
            /// use twapi_core::endpoint::{EndpointVisitor, VisitRequest};
            /// use twapi_core::request::ApiRequest;
            ///
            /// struct EndpointOf;
            /// impl EndpointVisitor for EndpointOf {
            ///     type Output = EndpointId;
            /// }
            /// impl<R: ApiRequest> VisitRequest<R> for EndpointOf {
            ///     fn visit(self) -> EndpointId {
            ///         R::ENDPOINT
            ///     }
            /// }
            ///
            /// for id in EndpointId::ALL {
            ///     assert_eq!(id.visit(EndpointOf), *id);
            /// }
            /// ```
            pub fn visit<V: VisitEveryEndpoint>(self, visitor: V) -> V::Output {
                match self {
                    $(
                        Self::$id => {
                            <V as VisitRequest<crate::request::$($request)::+>>::visit(visitor)
                        }
                    )*
                }
            }
        }
    };
}

super::table::for_each_endpoint!(declare_visit);
