import NIOHTTP1

/// Who may use the HTTP listener (DESIGN.md §9): with `[web] token` set, every request carries it (an
/// `Authorization: Bearer` header, the cookie the page got, or `?token=` once, on the page's address); a
/// request that changes something (POST) must come from the page itself (`Origin` is this listener).
enum WebAccess {
    static let cookieName = "presenced_token"

    enum Verdict: Equatable {
        case allowed
        /// Allowed, by the query's token: the answer sets the cookie, so that the page's own requests (its
        /// script, its style, `/live`, which no script can give a header) carry it from then on.
        case allowedSetCookie
        case refused(String)
    }

    static func check(_ request: HTTPRequestHead, token: String) -> Verdict {
        guard !token.isEmpty else { return .allowed }
        if let auth = request.headers.first(name: "Authorization"), auth.hasPrefix("Bearer "),
           same(String(auth.dropFirst(7)), token) { return .allowed }
        for header in request.headers[canonicalForm: "Cookie"] {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0.drop { $0 == " " }) }
                if kv.count == 2, kv[0] == cookieName, same(kv[1], token) { return .allowed }
            }
        }
        if let query = query(request.uri), let given = query["token"], same(given, token) { return .allowedSetCookie }
        return .refused("this listener asks for [web] token: open /?token=… once, or send Authorization: Bearer …")
    }

    static func setCookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
    }

    /// A POST from the page: its `Origin` is this listener's own address (as the browser reached it: `Host`).
    /// Another site's page in the same browser (which may reach a loopback listener) is refused.
    static func sameOrigin(_ request: HTTPRequestHead) -> Bool {
        guard let origin = request.headers.first(name: "Origin"), let host = request.headers.first(name: "Host") else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// The path without its query.
    static func path(_ uri: String) -> Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    static func query(_ uri: String) -> [String: String]? {
        let parts = uri.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        var out: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            out[String(kv[0])] = kv.count == 2 ? String(kv[1]) : ""
        }
        return out
    }

    /// Compares without stopping at the first difference (the time taken says nothing of the token).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}
