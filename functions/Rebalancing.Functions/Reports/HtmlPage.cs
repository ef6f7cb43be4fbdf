using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Rebalancing.Functions.Reports;

/// <summary>
/// Server-rendered pages: one inline style and (optionally) one inline script, both allowed by a per-response CSP
/// nonce; nothing else may load (no third-party resources). Pages are never cached and never send a referrer.
/// </summary>
internal static class HtmlPage
{
    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
        main{max-width:1100px;margin:0 auto;padding:24px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
        .muted{color:#5b6470}.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px;margin:12px 0}
        .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px}
        .kpi b{display:block;font-size:clamp(15px,1.6vw,20px);overflow-wrap:anywhere}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:4px 8px;border-bottom:1px solid #e6e8eb;text-align:left;white-space:nowrap}
        th{background:#eef1f4;position:sticky;top:0}th.sort{cursor:pointer}td.num,th.num{text-align:right}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:12px}
        .ok{color:#0a6b2d}.warn{color:#9a5b00}.bad{color:#a11d1d}
        button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #888;background:#fff;cursor:pointer}
        button.primary{background:#0b5cad;color:#fff;border-color:#0b5cad}
        fieldset{border:1px solid #dde1e6;border-radius:6px;margin:8px 0}label{margin-right:12px}
        .pager a{margin-right:8px}
        """;

    /// <summary>An HTML response with the security headers; <paramref name="body"/> gets the CSP nonce for its script.</summary>
    public static ContentHttpResult Render(HttpContext context, int status, string title, Func<string, string> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\"><title>").Append(E(title)).Append("</title>")
            .Append("<style nonce=\"").Append(nonce).Append("\">").Append(Style).Append("</style></head><body><main>")
            .Append(body(nonce))
            .Append("</main></body></html>")
            .ToString();
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A short page for an error (expired, used, unknown link).</summary>
    public static ContentHttpResult Message(HttpContext context, int status, string title, string message) =>
        Render(context, status, title, _ => $"<h1>{E(title)}</h1><div class=\"card\"><p>{E(message)}</p></div>");

    /// <summary>HTML-encodes text.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Money(long cents) => (cents / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string N(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);

    public static string N(double value, string format = "#,##0.##") => value.ToString(format, CultureInfo.InvariantCulture);
}
