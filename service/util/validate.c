/* validate.c: hand-written checks; each reads its input exactly once. */
#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool valid_e164(const char *s) {
  if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
    return false;
  size_t n = strlen(s + 1);
  if (n < 7 || n > 15)
    return false;
  for (size_t i = 1; i <= n; i++)
    if (!isdigit((unsigned char)s[i]))
      return false;
  return true;
}

bool valid_email(const char *s) {
  if (!s)
    return false;
  size_t n = strlen(s);
  const char *at = strchr(s, '@');
  if (n > 254 || !at || at == s || strchr(at + 1, '@'))
    return false;
  if ((size_t)(at - s) > 64)
    return false;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' ||
        *p == ';' || *p == '"' || *p == '(' || *p == ')' || *p == '[' || *p == ']' || *p == '\\')
      return false;
  const char *domain = at + 1;
  const char *dot = strrchr(domain, '.');
  if (!dot || dot == domain || dot[1] == 0 || strlen(dot + 1) < 2)
    return false;
  if (domain[0] == '.' || domain[0] == '-' || strstr(domain, "..") || s[n - 1] == '.')
    return false;
  if (s[0] == '.' || at[-1] == '.' || strstr(s, ".."))
    return false;
  return true;
}

static bool digits(const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return false;
  return true;
}

bool valid_date(const char *s) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
      !digits(s + 8, 2))
    return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || m < 1 || m > 12 || d < 1)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

bool valid_hhmm(const char *s, int *minutes) {
  if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2) || !digits(s + 3, 2))
    return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59)
    return false;
  if (minutes)
    *minutes = h * 60 + m;
  return true;
}

bool valid_uuid(const char *s) {
  if (!s || strlen(s) != 36)
    return false;
  for (int i = 0; i < 36; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return false;
  }
  return true;
}

bool valid_token(const char *s, int max) {
  if (!s)
    return false;
  int n = 0;
  for (; s[n]; n++)
    if (n >= max || !(isalnum((unsigned char)s[n]) || strchr("._:-", s[n])))
      return false;
  return n > 0;
}

bool valid_timestamp(const char *s) {
  if (!s || strlen(s) < 20)
    return false;
  char date[11];
  memcpy(date, s, 10);
  date[10] = 0;
  if (!valid_date(date) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
      !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
    return false;
  int h = (s[11] - '0') * 10 + (s[12] - '0'), m = (s[14] - '0') * 10 + (s[15] - '0');
  int sec = (s[17] - '0') * 10 + (s[18] - '0');
  if (h > 23 || m > 59 || sec > 60)
    return false;
  const char *p = s + 19;
  if (*p == '.') {
    int n = 0;
    while (isdigit((unsigned char)*++p))
      n++;
    if (n == 0 || n > 9)
      return false;
  }
  if ((*p == 'Z' || *p == 'z') && p[1] == 0)
    return true;
  return (*p == '+' || *p == '-') && strlen(p) == 6 && valid_hhmm(p + 1, NULL);
}

bool valid_utf8(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str, *end = s + len;
  while (s < end) {
    unsigned c = *s;
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        return false;
      s++;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || end - s <= n)
      return false;
    unsigned cp = c & (0x3F >> n);
    for (int i = 1; i <= n; i++) {
      if ((s[i] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const unsigned least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    s += n + 1;
  }
  return true;
}

bool valid_int64(const char *s, bool negative, long long *out) {
  if (!s)
    return false;
  const char *p = s + (negative && *s == '-');
  size_t digits = strspn(p, "0123456789");
  if (digits == 0 || digits > 19 || p[digits])
    return false;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (errno == ERANGE || *end)
    return false;
  if (out)
    *out = v;
  return true;
}
