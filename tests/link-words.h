/* What the link tests and the link benchmark write their mail with: a
 * small business vocabulary in English and Japanese (harsher than real
 * mail: few words, many shared shingles) and a fixed-seed generator, so
 * that every run indexes the same text.  Kept once for both. */
#ifndef MAILHUNT_LINK_WORDS_H
#define MAILHUNT_LINK_WORDS_H

#include <glib.h>

static const char *const english_words[] = {
	"account", "agenda", "approval", "attached", "budget", "call", "client", "contract",
	"customer", "deadline", "delivery", "department", "design", "document", "draft",
	"estimate", "feedback", "figures", "file", "forecast", "invoice", "issue", "meeting",
	"minutes", "order", "payment", "plan", "price", "project", "proposal", "quarter",
	"quote", "report", "request", "review", "revision", "sales", "schedule", "service",
	"shipment", "slides", "spreadsheet", "status", "supplier", "team", "timeline", "update",
	"version", "warehouse", "workshop", "please", "check", "confirm", "send", "share",
	"prepare", "discuss", "finalise", "submit", "forward", "arrange", "book", "cancel",
	"move", "approve", "sign", "print", "scan", "upload", "download", "we", "you", "they",
	"the", "a", "our", "your", "their", "this", "that", "next", "last", "new", "revised",
	"final", "first", "second", "monthly", "weekly", "annual", "regional", "internal",
	"external", "urgent", "short", "detailed", "updated", "and", "or", "but", "so", "for",
	"with", "from", "to", "by", "on", "in", "before", "after", "until", "about", "regarding",
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "morning", "afternoon", "today",
	"tomorrow", "week", "month", "office", "Tokyo", "Osaka", "London", "warehouse", "room",
	"would", "could", "should", "will", "can", "may", "need", "think", "hope", "know",
	"thanks", "regards", "again", "also", "only", "still", "already", "soon", "together",
};

static const char *const japanese_phrases[] = {
	"お世話になっております。", "見積書", "請求書", "納品書", "契約書", "会議", "打ち合わせ",
	"資料", "予定", "日程", "確認", "ご確認ください", "お願いいたします", "よろしくお願いいたします。",
	"添付ファイル", "を送付いたします", "について", "の件", "ですが", "ました。", "します。",
	"営業部", "総務部", "経理部", "来週", "今週", "明日", "月曜日", "水曜日", "金曜日",
	"午前中", "午後", "までに", "ご提出", "ご返信", "変更", "修正版", "最新版", "サーバー",
	"システム", "メンテナンス", "プロジェクト", "スケジュール", "担当者", "お客様", "発注",
	"出荷", "在庫", "価格", "条件", "、", "、", "。", "を", "に", "が", "は", "と", "で",
};

typedef struct {
	guint64 state;
} prng;

static inline guint32
prng_next (prng *r)
{
	r->state = r->state * G_GUINT64_CONSTANT (6364136223846793005) + G_GUINT64_CONSTANT (1442695040888963407);
	return (guint32) (r->state >> 33);
}

static inline guint
prng_below (prng *r, guint n)
{
	return prng_next (r) % n;
}

#endif
