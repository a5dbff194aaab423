package dev.gbp.report;

/** Small helpers for the hand-written, self-contained HTML pages. */
final class Html {
    private Html() {}

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                default:
                    b.append(ch);
            }
        }
        return b.toString();
    }

    /** A whole self-contained page: the shared style, a dark header and the main part (both HTML). */
    static String page(String title, String header, String main) {
        return "<!doctype html><html lang=en><head><meta charset=utf-8><title>" + esc(title) + "</title><style>" + STYLE
                + "</style></head><body><header>" + header + "</header><main>" + main + "</main></body></html>\n";
    }

    /** Shared style: light, readable on a laptop screen, pixel-art images kept sharp. */
    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:0;background:#f6f6f4;color:#222}",
            "header{background:#1f2933;color:#f5f7fa;padding:18px 28px}",
            "header h1{margin:0 0 6px;font-size:22px} header p{margin:2px 0;color:#cbd2d9;font-size:14px}",
            "main{padding:12px 28px 40px;max-width:1500px} main img{max-width:100%;height:auto}",
            "h2{font-size:18px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}",
            "p.note{font-size:14px;color:#444;max-width:1000px;line-height:1.45}",
            ".grid{display:flex;flex-wrap:wrap;gap:10px}",
            ".card{background:#fff;border:1px solid #e1e1de;border-radius:6px;padding:8px;font-size:12px;line-height:1.35}",
            ".card img{image-rendering:pixelated;display:block}",
            ".card.right{border-left:4px solid #1b7f3b} .card.wrong{border-left:4px solid #b42318}",
            ".tiles{display:flex;gap:4px} .tiles figure{margin:0;text-align:center;font-size:11px;color:#555}",
            ".ok{color:#1b7f3b} .bad{color:#b42318} .muted{color:#777}",
            "table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}",
            "nav a{margin-right:12px;font-size:14px;color:#0b5cad}",
            "code{background:#eef0f2;padding:1px 4px;border-radius:3px}",
            "p.legend{font-size:13px;margin:10px 0 6px} p.legend .muted{margin-right:12px} .key{margin-right:16px;white-space:nowrap}",
            ".key svg{vertical-align:middle;margin-right:5px}",
            "table.verdict td{vertical-align:top;line-height:1.35} table.verdict .muted{font-size:12px}",
            "h4{font-size:15px;margin:18px 0 4px}");
}
