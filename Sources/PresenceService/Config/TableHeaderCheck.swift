/// toml++ 3 (inside TOMLKit 0.6) asserts — aborts the whole process, in release builds too — when a
/// table header does not start with a key (`[)x]`, `[ ~]`, a `[` alone on its line): its key parser
/// takes the first character on trust. A typo like that must be a configuration error (exit 78; on
/// a SIGHUP reload, the running configuration stays), so such headers are found before the parser
/// sees them. (Found by the `config` fuzz target.)
enum TableHeaderCheck {
    /// The 1-based line of the first header that does not start with a bare key, a quoted key or `]`,
    /// and the character found there; nil when there is none. A header is a `[` first on its line
    /// outside any value: not inside a string, a comment, or an array that spans lines.
    static func firstBadHeader(in text: String) -> (line: Int, found: String)? {
        let s = Array(text.unicodeScalars)
        var i = 0, line = 1
        var atLineStart = true
        var arrayDepth = 0  // open `[` of values: a `[` first on a line inside one is an element
        func at(_ k: Int, _ c: Unicode.Scalar) -> Bool { k < s.count && s[k] == c }
        func triple(_ k: Int, _ c: Unicode.Scalar) -> Bool { at(k, c) && at(k + 1, c) && at(k + 2, c) }
        while i < s.count {
            let c = s[i]
            if c == "\n" { line += 1; atLineStart = true; i += 1; continue }
            if atLineStart, c == " " || c == "\t" { i += 1; continue }
            if atLineStart, arrayDepth == 0, c == "[" {
                var k = i + 1
                if at(k, "[") { k += 1 }
                while at(k, " ") || at(k, "\t") { k += 1 }
                let next: Unicode.Scalar? = k < s.count ? s[k] : nil
                if let next, !isKeyStart(next) { return (line, next == "\n" ? "end of line" : String(next)) }
                while i < s.count, s[i] != "\n" { i += 1 }  // a header line holds nothing else
                continue
            }
            atLineStart = false
            if c == "#" {  // a comment runs to the end of the line
                while i < s.count, s[i] != "\n" { i += 1 }
            } else if triple(i, "\"") || triple(i, "'") {  // a multi-line string: skip to its end
                let quote = c
                i += 3
                while i < s.count, !triple(i, quote) {
                    if s[i] == "\n" { line += 1 }
                    i += quote == "\"" && s[i] == "\\" ? 2 : 1
                }
                i += 3
            } else if c == "\"" || c == "'" {  // a one-line string: skip it (a `#` in it is no comment)
                i += 1
                while i < s.count, s[i] != c, s[i] != "\n" { i += c == "\"" && s[i] == "\\" ? 2 : 1 }
                if i < s.count, s[i] == c { i += 1 }
            } else {
                if c == "[" { arrayDepth += 1 } else if c == "]" { arrayDepth = max(0, arrayDepth - 1) }
                i += 1
            }
        }
        return nil
    }

    private static func isKeyStart(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c)
            || c == "_" || c == "-" || c == "\"" || c == "'" || c == "]"
    }
}
