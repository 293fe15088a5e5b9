# echo as dash 0.5.12 has it: -n only as the first word, escapes always.

echo plain words   spaced
echo; echo " [$?]"
echo -n; echo " [$?]"
echo -n x; echo " [$?]"
echo -n -n x; echo " [$?]"
echo -nx; echo " [$?]"
echo -N x; echo " [$?]"
echo -e 'a\tb'; echo " [$?]"
echo -E 'a\tb'; echo " [$?]"
echo -- -n; echo " [$?]"
echo -- x; echo " [$?]"
echo x -n; echo " [$?]"
echo '-n x'; echo " [$?]"
echo "-n" x; echo " [$?]"
echo - x; echo " [$?]"

# escapes
echo 'a\tb\nc'
echo 'a\\b' '\\\\'
echo '\a\b\f\r\v\e' | od -An -c
echo a '\0101' '\101' '\01234' '\0400' '\400'
echo '\0' '\08' '\8' '\q' '\' 'a\' | od -An -c
echo '\x41' '\E' '\"'

# \c ends all output, the newline too
echo 'a\cb' c; echo " [$?]"
echo a '\c' d; echo " [$?]"
echo 'x\c'; echo y
echo -n 'a\c'; echo b
echo "$(echo 'in\c')"out

# output errors
(echo x > /dev/full); echo " [$?]"
(echo -n > /dev/full); echo " [$?]"
(echo 'a\c' > /dev/full); echo " [$?]"
(echo x >&-); echo " [$?]"
echo x > /dev/full; echo " [$?]"; echo after
