Return-Path: <taro.yamada@example.co.jp>
Date: Tue, 10 Dec 2019 10:05:14 +0900
From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro.yamada@example.co.jp>
To: =?ISO-2022-JP?B?GyRCTmtMWjBsTzobKEI=?= <ichiro.suzuki@example.com>
Subject: RE: =?ISO-2022-JP?B?GyRCJCo4K0BRJGokTiQ0ME1NaiFKNkhMM01RGyhC?=
 =?ISO-2022-JP?B?GyRCJU4hPCVIJVElPSUzJXMhSxsoQg==?=
Message-ID: <000001d51be5$4edd15bd$a62d58c9$@example.co.jp>
In-Reply-To: <7109f978-99e5-41d9-ad1a-cc9a03a270af@example.com>
References: <1f50706a-3137-4d57-a513-a761862b2c21@example.com>
 <000001d50b7e$14eb451a$5202b241$@example.co.jp>
 <7109f978-99e5-41d9-ad1a-cc9a03a270af@example.com>
X-Mailer: Microsoft Outlook 16.0
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

鈴木様

承知いたしました。
お見積書は別途郵送いたします。

山田太郎

-----Original Message-----
差出人: 鈴木一郎 <ichiro.suzuki@example.com>
送信日時: 2019年10月2日 13:20
宛先: 山田太郎 <taro.yamada@example.co.jp>
件名: Re: お見積りのご依頼（業務用ノートパソコン）

山田様

ご連絡ありがとうございます。
OSは現在社内で使用しているものと同じ版でお願いいたします。

鈴木

山田太郎 さんは書きました:
> 鈴木様
>
> いつもお世話になっております。
> サンプル商事の山田です。
>
> お見積りのご依頼、ありがとうございます。
> 社内で確認のうえ、10月8日までにお見積書をお送りいたします。
> 念のため、OSのバージョンにご指定があればお知らせください。
>
> 山田太郎
>
> -----Original Message-----
> 差出人: 鈴木一郎 <ichiro.suzuki@example.com>
> 送信日時: 2019年10月1日 10:12
> 宛先: 山田太郎 <taro.yamada@example.co.jp>
> 件名: お見積りのご依頼（業務用ノートパソコン）
>
> 株式会社サンプル商事
> 営業部 山田太郎 様
>
> いつもお世話になっております。
> 株式会社エグザンプル 総務部の鈴木です。
>
> 業務用ノートパソコン20台のお見積りをお願いできますでしょうか。
> 希望納期は12月20日、納品場所は弊社本社です。
>
> よろしくお願いいたします。
>
> 鈴木一郎
