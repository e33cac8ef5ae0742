package main

func asmOver()

func asmNear()

func asmCalls() int { asmOver(); asmNear(); return 0 }
