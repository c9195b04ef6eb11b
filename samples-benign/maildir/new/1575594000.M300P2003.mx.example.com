Delivered-To: ichiro.suzuki@example.com
Return-Path: <taro.yamada@example.co.jp>
Received: from mail.example.co.jp (mail.example.co.jp [198.51.100.25])
	by mx.example.com (Postfix) with ESMTPS id 8E9F0A1B2C
	for <ichiro.suzuki@example.com>; Fri,  6 Dec 2019 10:00:00 +0900 (JST)
Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.co.jp;
 dkim=pass header.d=example.co.jp; dmarc=pass header.from=example.co.jp
Date: Fri, 6 Dec 2019 09:59:52 +0900
From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro.yamada@example.co.jp>
To: =?ISO-2022-JP?B?GyRCTmtMWjBsTzobKEI=?= <ichiro.suzuki@example.com>
Subject: =?ISO-2022-JP?B?GyRCQkc5ZyQ7RnxEeCROJDRBakNMGyhC?=
Message-ID: <000001d5abcd$1a2b3c40$4e5f6a70$@example.co.jp>
X-Mailer: Microsoft Outlook 16.0
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

株式会社エグザンプル
鈴木様

いつもお世話になっております。
サンプル商事の山田です。

お見積りの件で、一度お打ち合わせのお時間をいただけないでしょうか。
12月10日（火）または12月11日（水）の午後でご都合はいかがでしょうか。

よろしくお願いいたします。

山田太郎
