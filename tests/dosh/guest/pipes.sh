# pipelines and background jobs
echo hello | tr a-z A-Z | rev
printf 'c\nb\na\n' | sort | head -1
echo x | false | true; echo "last=$?"
sleep 0.1 &
wait
echo waited
(echo bg-out) &
wait $!
echo "bg done: $?"
yes | head -3
echo done
