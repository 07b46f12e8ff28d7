/**
 * Short Persian and Russian sentences written for the letter-folding tests (no third-party text):
 * two labels each. The Persian ones are typed with Persian letters; `arabicKeyboard` rewrites a
 * text as it comes from an Arabic keyboard (ك for ک, ي for ی), and `PERSIAN_TRAIN` mixes both, with
 * tatweel and optional vowel marks here and there, as real Persian text does.
 */
export interface LabelledText {
  text: string;
  label: 'positive' | 'negative';
}

const PERSIAN_POSITIVE = [
  'این کتاب خیلی خوب بود و از خواندنش لذت بردم',
  'فیلم فوق‌العاده‌ای بود، حتما دوباره می‌بینم',
  'غذای این رستوران خوشمزه و تازه بود',
  'کارکنان مهربان بودند و سریع جواب دادند',
  'کیفیت این گوشی عالی است',
  'از خرید این کفش خیلی راضی هستم',
  'هتل تمیز و آرام بود، پیشنهاد می‌کنم',
  'بازیگران خوب بازی کردند و داستان جذاب بود',
  'ارسال سریع بود و بسته سالم رسید',
  'این آهنگ را خیلی دوست دارم',
  'قیمت مناسب و کیفیت خوب',
  'معلم با حوصله درس داد و همه چیز را فهمیدم',
  'منظره کوه زیبا بود و هوا عالی',
  'پشتیبانی خیلی خوب کمک کرد',
  'این کیک خیلی خوشمزه است',
  'کتاب جالبی است و نویسنده خوب می‌نویسد',
  'سفر خوبی بود و به ما خوش گذشت',
  'لپ‌تاپ سبک و سریع است، راضی هستم',
  'خدمات عالی و برخورد محترمانه',
  'دوستان من هم این فیلم را خیلی دوست داشتند',
];

const PERSIAN_NEGATIVE = [
  'این کتاب خیلی بد بود و وقتم هدر رفت',
  'فیلم خسته‌کننده بود و وسطش خوابم برد',
  'غذا سرد و بی‌مزه بود',
  'کارکنان بی‌ادب بودند و جواب ندادند',
  'کیفیت این گوشی ضعیف است',
  'از خرید این کفش پشیمان هستم',
  'هتل کثیف و پر سر و صدا بود',
  'بازی بازیگران ضعیف بود و داستان تکراری',
  'بسته دیر رسید و شکسته بود',
  'این آهنگ را اصلا دوست ندارم',
  'قیمت گران و کیفیت بد',
  'کلاس شلوغ بود و چیزی یاد نگرفتم',
  'هوا آلوده بود و سفر خراب شد',
  'پشتیبانی هیچ کمکی نکرد',
  'این کیک خشک و بد است',
  'کتاب کسل‌کننده است و نویسنده بد می‌نویسد',
  'سفر بدی بود و همه خسته شدیم',
  'لپ‌تاپ کند است و زود داغ می‌شود',
  'خدمات افتضاح و برخورد زشت',
  'هیچ کس این فیلم را دوست نداشت',
];

/** The text as typed on an Arabic keyboard: Arabic kaf (U+0643) and Arabic yeh (U+064A). */
export function arabicKeyboard(text: string): string {
  return text.replace(/\u06a9/g, '\u0643').replace(/\u06cc/g, '\u064a');
}

/** Emphasis by stretching: tatweel (U+0640) inside every خیلی / خيلي ("very"). */
export function withTatweel(text: string): string {
  return text.replace(/خ([یي])ل/g, 'خ$1\u0640\u0640\u0640ل');
}

/** Optional vowel marks: a fatha (U+064E) after every initial ب and a kasra (U+0650) after every ر. */
export function withHarakat(text: string): string {
  return text.replace(/(^|\s)ب/g, '$1ب\u064e').replace(/ر/g, 'ر\u0650');
}

/** 40 Persian sentences; every third typed on an Arabic keyboard, some with tatweel or vowel marks. */
export const PERSIAN_TRAIN: LabelledText[] = [
  ...PERSIAN_POSITIVE.map((text) => ({ text, label: 'positive' as const })),
  ...PERSIAN_NEGATIVE.map((text) => ({ text, label: 'negative' as const })),
].map((row, i) => {
  let text = row.text;
  if (i % 3 === 0) text = arabicKeyboard(text);
  if (i % 4 === 1) text = withTatweel(text);
  if (i % 5 === 2) text = withHarakat(text);
  return { ...row, text };
});

/** Russian sentences, about half of them with ё. */
export const RUSSIAN_TRAIN: LabelledText[] = [
  { text: 'Всё отлично, доставка быстрая', label: 'positive' },
  { text: 'Очень понравился этот фильм, ещё посмотрю', label: 'positive' },
  { text: 'Хороший телефон, работает без проблем', label: 'positive' },
  { text: 'Вкусная еда и приятный персонал', label: 'positive' },
  { text: 'Книга лёгкая и интересная', label: 'positive' },
  { text: 'Отель чистый, всё понравилось', label: 'positive' },
  { text: 'Спасибо за быстрый ответ, всё решили', label: 'positive' },
  { text: 'Прекрасный концерт, весёлый вечер', label: 'positive' },
  { text: 'Удобная обувь, рекомендую', label: 'positive' },
  { text: 'Ёлка красивая, дети довольны', label: 'positive' },
  { text: 'Всё плохо, доставка опоздала', label: 'negative' },
  { text: 'Скучный фильм, больше не посмотрю', label: 'negative' },
  { text: 'Плохой телефон, ломается каждый день', label: 'negative' },
  { text: 'Невкусная еда и грубый персонал', label: 'negative' },
  { text: 'Книга тяжёлая и скучная', label: 'negative' },
  { text: 'Отель грязный, ничего не понравилось', label: 'negative' },
  { text: 'Ответа ждём неделю, никто не помог', label: 'negative' },
  { text: 'Ужасный концерт, звук плохой', label: 'negative' },
  { text: 'Неудобная обувь, не рекомендую', label: 'negative' },
  { text: 'Ёлка осыпалась, всё испорчено', label: 'negative' },
];
