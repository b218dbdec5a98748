module epolltutorial/tools

go 1.26
